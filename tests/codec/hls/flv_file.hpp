// Test helper: reads a whole FLV file (9-byte header, then tags) into configs and MediaPackets.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "codec/flv/media_demuxer.hpp"
#include "codec/media_packet.hpp"

namespace liverelay::testing {

struct FlvStream {
  std::optional<media::VideoConfig> video;
  std::optional<media::AudioConfig> audio;
  std::vector<media::MediaPacket> packets;  // in file order (ffmpeg's FLV muxer interleaves by dts)

  [[nodiscard]] std::vector<media::MediaPacket> only(media::TrackKind track) const {
    std::vector<media::MediaPacket> out;
    for (const auto& packet : packets)
      if (packet.track == track) out.push_back(packet);
    return out;
  }
};

inline uint32_t flv_u24(const std::vector<uint8_t>& bytes, size_t at) {
  return static_cast<uint32_t>(bytes[at] << 16 | bytes[at + 1] << 8 | bytes[at + 2]);
}

// Tags go through flv::MediaDemuxer as RTMP would hand them over; script tags are skipped.
inline FlvStream read_flv_file(const std::string& name) {
  const auto path = std::filesystem::path(LIVERELAY_TEST_DATA_DIR) / name;
  std::ifstream file(path, std::ios::binary);
  REQUIRE(file);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  REQUIRE(bytes.size() > 13);
  REQUIRE(std::string(bytes.begin(), bytes.begin() + 3) == "FLV");
  flv::MediaDemuxer demuxer;
  FlvStream stream;
  size_t at = 9 + 4;  // header, PreviousTagSize0
  while (at + 11 <= bytes.size()) {
    const uint8_t type = bytes[at] & 0x1f;
    const uint32_t size = flv_u24(bytes, at + 1);
    const uint32_t timestamp = flv_u24(bytes, at + 4) | static_cast<uint32_t>(bytes[at + 7]) << 24;
    REQUIRE(at + 11 + size + 4 <= bytes.size());
    auto body = std::make_shared<const media::Buffer>(bytes.begin() + static_cast<long>(at + 11),
                                                      bytes.begin() + static_cast<long>(at + 11 + size));
    at += 11 + size + 4;
    if (type != 8 && type != 9) continue;
    auto out = type == 9 ? demuxer.on_video(timestamp, body) : demuxer.on_audio(timestamp, body);
    REQUIRE(out);
    if (out->packet) stream.packets.push_back(*out->packet);
  }
  stream.video = demuxer.video_config();
  stream.audio = demuxer.audio_config();
  return stream;
}

// The x264 + AAC capture the muxer and transcoder tests feed on (tests/data/README.md), read once.
inline const FlvStream& h264_aac_fixture() {
  static const FlvStream stream = read_flv_file("h264_aac_320x180_3s.flv");
  return stream;
}

}  // namespace liverelay::testing
