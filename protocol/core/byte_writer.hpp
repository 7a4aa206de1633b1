// Big-endian appends to a growing byte vector: the mirror of ByteReader.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace liverelay {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(v); }
  void u16be(uint16_t v) { be(v, 2); }
  void u24be(uint32_t v) { be(v, 3); }
  void u32be(uint32_t v) { be(v, 4); }
  void u64be(uint64_t v) { be(v, 8); }
  void u32le(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void bytes(std::span<const uint8_t> data) { out_.insert(out_.end(), data.begin(), data.end()); }
  void text(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }

 private:
  void be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }

  std::vector<uint8_t>& out_;
};

}  // namespace liverelay
