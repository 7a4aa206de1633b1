// FourCC codes of Enhanced RTMP (v1 "FourCC" and v2 "Audio FourCC") as big-endian integers.
#pragma once

#include <cstdint>

#include "codec/media_packet.hpp"

namespace liverelay::flv {

[[nodiscard]] constexpr uint32_t fourcc(const char (&code)[5]) {
  return (uint32_t{static_cast<uint8_t>(code[0])} << 24) | (uint32_t{static_cast<uint8_t>(code[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(code[2])} << 8) | uint32_t{static_cast<uint8_t>(code[3])};
}

[[nodiscard]] constexpr media::Codec video_codec_for(uint32_t code) {
  switch (code) {
    case fourcc("avc1"):
      return media::Codec::h264;
    case fourcc("hvc1"):
      return media::Codec::hevc;
    case fourcc("av01"):
      return media::Codec::av1;
    case fourcc("vp09"):
      return media::Codec::vp9;
    default:
      return media::Codec::unknown;
  }
}

[[nodiscard]] constexpr media::Codec audio_codec_for(uint32_t code) {
  switch (code) {
    case fourcc("mp4a"):
      return media::Codec::aac;
    case fourcc("Opus"):
      return media::Codec::opus;
    case fourcc(".mp3"):
      return media::Codec::mp3;
    default:
      return media::Codec::unknown;  // fLaC, ac-3, ec-3: relayed, not named
  }
}

}  // namespace liverelay::flv
