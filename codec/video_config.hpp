// A video track's description (codec, profile, level, size) from its configuration record.
#pragma once

#include <cstdint>
#include <span>

#include "codec/media_packet.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::codec {

// `record` is what the sequence header carries: avcC for h264, hvcC for hevc, av1C for av1.
// Other codecs are described by name only, with the record kept as it came.
Result<media::VideoConfig> make_video_config(media::Codec codec, std::span<const uint8_t> record);

}  // namespace liverelay::codec
