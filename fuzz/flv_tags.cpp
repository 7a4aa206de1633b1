// FLV audio and video tag bodies as RTMP carries them, legacy and Enhanced RTMP: sequence
// headers (AVC, HEVC and AV1 configuration records, their SPS, AudioSpecificConfig), coded
// frames, ModEx and multitrack packets. The input is a run of tags: a kind byte (odd: video),
// a 16-bit big-endian length, then the body.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "codec/flv/media_demuxer.hpp"

using namespace liverelay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flv::MediaDemuxer demuxer;
  std::span<const uint8_t> rest(data, size);
  uint32_t timestamp = 0;
  while (rest.size() >= 3) {
    const bool video = (rest[0] & 1) != 0;
    const size_t length = std::min<size_t>((size_t{rest[1]} << 8) | rest[2], rest.size() - 3);
    auto tag = std::make_shared<const media::Buffer>(rest.begin() + 3, rest.begin() + 3 + static_cast<std::ptrdiff_t>(length));
    rest = rest.subspan(3 + length);
    timestamp += 33u * (rest.empty() ? 1u : rest[0]);  // time may also jump far or wrap
    auto output = video ? demuxer.on_video(timestamp, std::move(tag)) : demuxer.on_audio(timestamp, std::move(tag));
    (void)output;
  }
  return 0;
}
