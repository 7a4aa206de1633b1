// Byte-vector helpers shared by the protocol tests: concatenation, patterns, slices, and AMF0
// values laid out by hand.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "protocol/core/byte_writer.hpp"

namespace liverelay::testing {

using Bytes = std::vector<uint8_t>;

inline Bytes join(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Distinct payloads, so that a message put together from the wrong chunks shows.
inline Bytes pattern(size_t size, uint8_t first) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(first + i);
  return out;
}

// Bytes [from, to) of `bytes`.
inline Bytes slice(const Bytes& bytes, size_t from, size_t to) {
  return Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(from), bytes.begin() + static_cast<std::ptrdiff_t>(to));
}

// Appenders for payloads laid out by hand, byte for byte as the AMF0 spec draws them.
inline void put(Bytes& out, std::initializer_list<uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
inline void put(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}
// AMF0 spec 2.4 UTF-8: a u16 length, then the bytes (property names use it without a marker).
inline void put_utf8(Bytes& out, std::string_view text) {
  ByteWriter(out).u16be(static_cast<uint16_t>(text.size()));
  put(out, text);
}
// AMF0 spec 2.2: the number marker, then a big-endian double.
inline void put_number(Bytes& out, double number) {
  out.push_back(0x00);
  ByteWriter(out).u64be(std::bit_cast<uint64_t>(number));
}
// AMF0 spec 2.4: the string marker, then the UTF-8 form above.
inline void put_string(Bytes& out, std::string_view text) {
  out.push_back(0x02);
  put_utf8(out, text);
}

}  // namespace liverelay::testing
