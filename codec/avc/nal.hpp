// H.264 NAL unit helpers: AVCC length-prefixed splitting, NAL types, RBSP extraction.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::avc {

// H.264 Table 7-1: the nal_unit_type values this code acts on.
enum class NalType : uint8_t {
  slice = 1,
  idr = 5,
  sei = 6,
  sps = 7,
  pps = 8,
  access_unit_delimiter = 9,
  end_of_sequence = 10,
  filler = 12,
};

struct NalUnit {
  uint8_t type = 0;                // nal_unit_type, the low 5 bits of the header byte
  std::span<const uint8_t> bytes;  // header byte included, still with emulation prevention
};

[[nodiscard]] inline uint8_t nal_type(uint8_t header_byte) {
  return header_byte & 0x1f;
}

// ISO 14496-15 5.3.3: each NAL unit is preceded by a big-endian length of `length_size`
// (lengthSizeMinusOne + 1) bytes. A length running past the payload, or a zero-length unit,
// is malformed.
Result<std::vector<NalUnit>> split_avcc(std::span<const uint8_t> payload, int length_size);

// True when an IDR slice (type 5) is among the units: a decoder can start there.
[[nodiscard]] bool contains_idr(std::span<const NalUnit> units);

// H.264 7.4.1 / H.265 7.4.2: drops each emulation_prevention_three_byte (the 0x03 in 0x000003)
// to recover the RBSP that bit-level parsers read.
std::vector<uint8_t> remove_emulation_prevention(std::span<const uint8_t> nal);

}  // namespace liverelay::avc
