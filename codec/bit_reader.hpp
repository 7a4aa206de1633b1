// Bounds-checked MSB-first bit reader for codec headers (H.264/H.265 RBSP, AAC, AV1 OBUs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "protocol/core/error.hpp"

namespace liverelay::codec {

// Reads never go past the span. The first failed read latches a failure (truncated, or
// malformed for an impossible Exp-Golomb code) and every later read yields 0, so a parser can
// follow a spec's syntax table line by line and check ok() once per section instead of after
// every field. Callers must bound loops by values they validated, not by ok().
class BitReader {
 public:
  explicit BitReader(std::span<const uint8_t> data) : data_(data) {}

  // Up to 32 bits, most significant first.
  uint32_t bits(int count);
  bool flag() { return bits(1) != 0; }
  void skip(size_t count);
  // H.264 9.1: unsigned Exp-Golomb ue(v); more than 31 leading zeros is malformed.
  uint32_t ue();
  // H.264 9.1.1: signed Exp-Golomb se(v).
  int32_t se();

  [[nodiscard]] bool ok() const { return failure_ == Failure::none; }
  [[nodiscard]] size_t bits_left() const { return ok() ? data_.size() * 8 - pos_ : 0; }
  [[nodiscard]] size_t position() const { return pos_; }
  [[nodiscard]] bool byte_aligned() const { return pos_ % 8 == 0; }
  // The latched failure as an Error naming where it happened ("sps: truncated").
  [[nodiscard]] Error error(std::string_view where) const;

 private:
  enum class Failure : uint8_t { none, truncated, malformed };

  std::span<const uint8_t> data_;
  size_t pos_ = 0;  // in bits
  Failure failure_ = Failure::none;
};

}  // namespace liverelay::codec
