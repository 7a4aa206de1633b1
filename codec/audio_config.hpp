// An audio track's description (codec, profile, rate, channels) from its sequence header.
#pragma once

#include <cstdint>
#include <span>

#include "codec/media_packet.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::codec {

// `config` is what the sequence header carries: an AudioSpecificConfig for aac, an OpusHead
// for opus. Other codecs are described by name only, with the bytes kept as they came.
Result<media::AudioConfig> make_audio_config(media::Codec codec, std::span<const uint8_t> config);

}  // namespace liverelay::codec
