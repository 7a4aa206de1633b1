// Annex B byte streams (start-code delimited, as libx264 writes them) split into NAL units.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace liverelay::transcode {

// H.264 Annex B.2: each NAL unit follows a 0x000001 start code (0x00000001 counts as a zero
// byte then the start code). The units are returned without start codes and without the
// trailing zero bytes before the next start code; bytes before the first start code and empty
// units are skipped.
std::vector<std::span<const uint8_t>> split_annexb(std::span<const uint8_t> stream);

// Appends `nal` with a 4-byte big-endian length (AVCC, lengthSizeMinusOne 3).
void append_avcc(std::vector<uint8_t>& out, std::span<const uint8_t> nal);

}  // namespace liverelay::transcode
