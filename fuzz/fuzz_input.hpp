// A fuzz input delivered the way a socket delivers bytes: in pieces cut anywhere, so the fuzzer
// also explores headers and lengths split across reads. The input's first byte is the piece
// size (0: everything at once); the rest is the stream.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace liverelay::fuzz {

// Calls `feed(piece)` for each piece in order until it returns false (the parser failed: an
// error is final, nothing after it matters).
template <typename Feed>
void feed_in_pieces(std::span<const uint8_t> input, Feed&& feed) {
  if (input.empty()) return;
  const size_t piece = input[0] == 0 ? input.size() : input[0];
  std::span<const uint8_t> rest = input.subspan(1);
  while (!rest.empty()) {
    const size_t size = std::min(piece, rest.size());
    if (!feed(rest.first(size))) return;
    rest = rest.subspan(size);
  }
}

inline std::string_view as_text(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace liverelay::fuzz
