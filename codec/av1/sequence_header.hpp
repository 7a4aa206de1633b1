// AV1 sequence header OBU (AV1 5.5.1), read as far as the maximum frame size.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "protocol/core/error.hpp"

namespace liverelay::av1 {

struct SequenceHeader {
  uint8_t seq_profile = 0;
  uint8_t seq_level_idx = 0;  // of operating point 0
  int max_width = 0;          // max_frame_width_minus_1 + 1: frames may be smaller
  int max_height = 0;
};

// Walks a sequence of OBUs (AV1 5.3, as av1C configOBUs holds them: low-overhead format) and
// parses the first sequence header. Empty when there is none.
Result<std::optional<SequenceHeader>> find_sequence_header(std::span<const uint8_t> obus);

}  // namespace liverelay::av1
