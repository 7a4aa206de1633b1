// Enhanced RTMP v2 ModEx packets: modifiers chained before the real packet type.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/core/byte_reader.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::flv {

inline constexpr uint8_t kPacketTypeModEx = 7;  // the same value for audio and video

// While `packet_type` is ModEx: skips modExDataSize (UI8 + 1, or UI16 + 1 after 255) bytes
// of modifier data and reads the next packet type from the low nibble of the byte after it.
// The only modifier defined, TimestampOffsetNano, is below the millisecond we keep.
Result<uint8_t> skip_mod_ex(ByteReader& reader, uint8_t packet_type, std::string_view what);

}  // namespace liverelay::flv
