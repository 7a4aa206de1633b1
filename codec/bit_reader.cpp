// Bounds-checked MSB-first bit reads with Exp-Golomb codes.
#include "codec/bit_reader.hpp"

#include <string>

namespace liverelay::codec {

uint32_t BitReader::bits(int count) {
  if (!ok() || count <= 0) return 0;
  if (count > 32) {
    failure_ = Failure::malformed;
    return 0;
  }
  if (static_cast<size_t>(count) > bits_left()) {
    failure_ = Failure::truncated;
    return 0;
  }
  uint32_t value = 0;
  for (int i = 0; i < count; ++i) {
    const uint8_t byte = data_[pos_ / 8];
    const int bit = (byte >> (7 - static_cast<int>(pos_ % 8))) & 1;
    value = (value << 1) | static_cast<uint32_t>(bit);
    ++pos_;
  }
  return value;
}

void BitReader::skip(size_t count) {
  if (!ok()) return;
  if (count > bits_left()) {
    failure_ = Failure::truncated;
    return;
  }
  pos_ += count;
}

uint32_t BitReader::ue() {
  int leading_zeros = 0;
  while (ok() && bits(1) == 0) {
    // 32 zeros would describe a value past 2^32 - 2: no field in the specs we parse allows it.
    if (++leading_zeros > 31) {
      failure_ = Failure::malformed;
      return 0;
    }
  }
  if (!ok()) return 0;
  const uint32_t suffix = bits(leading_zeros);
  if (!ok()) return 0;
  return static_cast<uint32_t>((uint64_t{1} << leading_zeros) - 1 + suffix);
}

int32_t BitReader::se() {
  const uint32_t code = ue();
  // H.264 Table 9-3: 1 -> 1, 2 -> -1, 3 -> 2, 4 -> -2, ...
  const auto magnitude = static_cast<int64_t>((uint64_t{code} + 1) / 2);
  return static_cast<int32_t>(code % 2 == 1 ? magnitude : -magnitude);
}

Error BitReader::error(std::string_view where) const {
  const char* what = failure_ == Failure::malformed ? "malformed bit field" : "truncated";
  return Error{failure_ == Failure::malformed ? Errc::malformed : Errc::truncated,
               std::string(where) + ": " + what};
}

}  // namespace liverelay::codec
