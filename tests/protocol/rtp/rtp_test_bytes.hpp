// Byte-vector helpers for the RTP tests: the shared ones (concatenation, slices), H.264 NAL units
// and AVCC access units.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "tests/protocol/rtmp/test_bytes.hpp"

namespace liverelay::rtp::testing {

using liverelay::testing::Bytes;
using liverelay::testing::join;
using liverelay::testing::slice;

// A NAL unit of `size` bytes (header included) whose body counts up from `seed`, so that bytes
// put back in the wrong order or place show.
inline Bytes nal(uint8_t header, size_t size, uint8_t seed = 1) {
  Bytes out(size);
  out[0] = header;
  for (size_t i = 1; i < size; ++i) out[i] = static_cast<uint8_t>(seed + i * 7);
  return out;
}

// ISO 14496-15 5.3.3: each unit behind a big-endian length of `length_size` bytes.
inline Bytes avcc(std::initializer_list<Bytes> units, int length_size = 4) {
  Bytes out;
  for (const Bytes& unit : units) {
    for (int i = length_size - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(unit.size() >> (8 * i)));
    out.insert(out.end(), unit.begin(), unit.end());
  }
  return out;
}

// Header bytes: F=0 with the NRI an encoder gives each type.
inline constexpr uint8_t kSpsHeader = 0x67, kPpsHeader = 0x68, kIdrHeader = 0x65, kSliceHeader = 0x41,
                         kSeiHeader = 0x06, kAudHeader = 0x09, kFillerHeader = 0x0c;

}  // namespace liverelay::rtp::testing
