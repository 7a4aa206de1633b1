// RTP sequence number arithmetic (RFC 3550 A.1): 16-bit counters that wrap, compared as serials.
#pragma once

#include <cstdint>
#include <optional>

namespace liverelay::rtp {

// RFC 1982 serial number arithmetic on 16 bits: `a` is newer than `b` when it lies less than half
// the number space ahead of it. Exactly half way is ambiguous; there the higher raw value wins, so
// that of two different numbers exactly one is newer.
[[nodiscard]] constexpr bool is_newer(uint16_t a, uint16_t b) {
  const auto ahead = static_cast<uint16_t>(a - b);
  if (ahead == 0x8000) return a > b;
  return ahead != 0 && ahead < 0x8000;
}

// Steps forward from `from` to `to`, modulo 2^16: 65535 -> 2 is 3.
[[nodiscard]] constexpr uint16_t forward_distance(uint16_t from, uint16_t to) {
  return static_cast<uint16_t>(to - from);
}

// Extends 16-bit sequence numbers to a count that never wraps, as RFC 3550 A.1 keeps `cycles`:
// each number lands nearest the last one seen, so packets reordered by less than half the number
// space are placed right on either side of a wrap. The first number is taken as it is (0..65535);
// one older than it unwraps below zero.
class SequenceUnwrapper {
 public:
  // Unwraps `sequence` and makes it the reference for the next one.
  int64_t unwrap(uint16_t sequence) {
    last_ = peek(sequence);
    return *last_;
  }

  // Where `sequence` would land, without moving the reference.
  [[nodiscard]] int64_t peek(uint16_t sequence) const {
    if (!last_) return sequence;
    const auto last = static_cast<uint16_t>(*last_);
    const int64_t ahead = forward_distance(last, sequence);
    if (ahead == 0) return *last_;
    return *last_ + (is_newer(sequence, last) ? ahead : ahead - 0x10000);
  }

  // The last unwrapped number, if any.
  [[nodiscard]] std::optional<int64_t> last() const { return last_; }

 private:
  std::optional<int64_t> last_;
};

}  // namespace liverelay::rtp
