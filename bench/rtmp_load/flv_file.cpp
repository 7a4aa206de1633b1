// FLV file reader: the 9-byte header, then tags of 11-byte headers, bodies and PreviousTagSize.
#include "flv_file.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>

namespace rtmp_load {
namespace {

using liverelay::Errc;
using liverelay::fail;
using liverelay::rtmp::MessageType;

uint32_t u24(const std::vector<uint8_t>& bytes, size_t at) {
  return static_cast<uint32_t>(bytes[at]) << 16 | static_cast<uint32_t>(bytes[at + 1]) << 8 | bytes[at + 2];
}

// AVC or HEVC sequence header (legacy AVCPacketType 0, or an Enhanced RTMP SequenceStart), AAC
// AudioSpecificConfig (AACPacketType 0): configuration, not frames.
bool is_sequence_header(MessageType type, const std::vector<uint8_t>& body) {
  if (body.size() < 2) return false;
  if (type == MessageType::video) {
    if (body[0] & 0x80) return (body[0] & 0x0F) == 0;  // Enhanced RTMP: PacketType 0 = SequenceStart
    return (body[0] & 0x0F) == 7 && body[1] == 0;
  }
  return (body[0] >> 4) == 10 && body[1] == 0;
}

// The typical gap between video tags, to place the first tag of the next pass one frame on.
uint32_t frame_interval_ms(const std::vector<FlvTag>& tags) {
  std::vector<uint32_t> video;
  for (const auto& tag : tags)
    if (tag.type == MessageType::video && !tag.setup) video.push_back(tag.timestamp);
  if (video.size() < 2) return 33;
  return std::max<uint32_t>(1, (video.back() - video.front()) / static_cast<uint32_t>(video.size() - 1));
}

}  // namespace

liverelay::Result<FlvFile> read_flv_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(Errc::io, path + ": cannot open");
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (bytes.size() < 13 || bytes[0] != 'F' || bytes[1] != 'L' || bytes[2] != 'V') {
    return fail(Errc::malformed, path + ": not an FLV file");
  }
  const size_t header_size = static_cast<size_t>(bytes[5]) << 24 | static_cast<size_t>(bytes[6]) << 16 |
                             static_cast<size_t>(bytes[7]) << 8 | bytes[8];
  FlvFile flv;
  size_t at = header_size + 4;  // PreviousTagSize0
  std::optional<uint32_t> first_timestamp;
  while (at + 11 <= bytes.size()) {
    const auto type = static_cast<MessageType>(bytes[at] & 0x1F);
    const uint32_t size = u24(bytes, at + 1);
    const uint32_t timestamp = u24(bytes, at + 4) | static_cast<uint32_t>(bytes[at + 7]) << 24;
    if (at + 11 + size > bytes.size()) return fail(Errc::truncated, path + ": tag at byte " + std::to_string(at));
    FlvTag tag{type, timestamp, {bytes.begin() + static_cast<long>(at + 11), bytes.begin() + static_cast<long>(at + 11 + size)}};
    at += 11 + size + 4;
    if (type != MessageType::audio && type != MessageType::video && type != MessageType::data_amf0) continue;
    tag.setup = type == MessageType::data_amf0 || is_sequence_header(type, tag.body);
    if (!tag.setup) {
      if (!first_timestamp) first_timestamp = timestamp;
      flv.media_bytes += tag.body.size();
    }
    flv.tags.push_back(std::move(tag));
  }
  if (!first_timestamp) return fail(Errc::malformed, path + ": no audio or video frames");
  uint32_t last = 0;
  for (auto& tag : flv.tags) {
    tag.timestamp = tag.setup ? 0 : tag.timestamp - std::min(tag.timestamp, *first_timestamp);
    last = std::max(last, tag.timestamp);
  }
  flv.loop_ms = last + frame_interval_ms(flv.tags);
  return flv;
}

}  // namespace rtmp_load
