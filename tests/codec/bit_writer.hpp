// Test helper: builds bit strings (fixed fields and Exp-Golomb codes) for hand-made headers.
#pragma once

#include <cstdint>
#include <vector>

namespace liverelay::testing {

class BitWriter {
 public:
  BitWriter& bits(uint64_t value, int count) {
    for (int i = count - 1; i >= 0; --i) bit(((value >> i) & 1) != 0);
    return *this;
  }
  BitWriter& flag(bool value) { return bit(value); }
  // H.264 9.1: leadingZeroBits zeros, a one, then value + 1 - 2^leadingZeroBits.
  BitWriter& ue(uint32_t value) {
    const uint64_t code = uint64_t{value} + 1;
    int length = 0;
    while ((code >> length) > 1) ++length;
    bits(0, length);
    return bits(code, length + 1);
  }
  BitWriter& se(int32_t value) {
    return ue(value > 0 ? static_cast<uint32_t>(2 * value - 1) : static_cast<uint32_t>(-2 * value));
  }
  // rbsp_trailing_bits: a one, then zeros to the byte boundary.
  std::vector<uint8_t> finish_rbsp() {
    bit(true);
    return finish();
  }
  std::vector<uint8_t> finish() {
    while (used_ != 0) bit(false);
    return bytes_;
  }

 private:
  BitWriter& bit(bool value) {
    if (used_ == 0) bytes_.push_back(0);
    if (value) bytes_.back() |= static_cast<uint8_t>(0x80 >> used_);
    used_ = (used_ + 1) % 8;
    return *this;
  }

  std::vector<uint8_t> bytes_;
  int used_ = 0;
};

}  // namespace liverelay::testing
