// RTMP's 32-bit millisecond timestamps to one continuous 64-bit timeline.
#pragma once

#include <cstdint>
#include <optional>

namespace liverelay::codec {

// Serial-number arithmetic (as RFC 1982): each timestamp is taken as the nearer of a step
// forward or back from the previous one. So 0xFFFFFF00 then 0x00000100 moves forward 512 ms
// across the wrap, while a small step back (a late audio tag) stays a step back. The first
// timestamp is kept as it is.
class TimestampUnwrapper {
 public:
  int64_t unwrap(uint32_t timestamp);

 private:
  std::optional<int64_t> last_;
};

}  // namespace liverelay::codec
