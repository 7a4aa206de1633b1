// RTMP timestamp unwrapping across the 2^32 ms (about 49.7 days) wrap.
#include "codec/timestamp_unwrapper.hpp"

namespace liverelay::codec {

int64_t TimestampUnwrapper::unwrap(uint32_t timestamp) {
  if (!last_) {
    last_ = timestamp;
    return *last_;
  }
  const auto previous = static_cast<uint32_t>(*last_);  // the low 32 bits, as sent
  const uint32_t forward = timestamp - previous;        // modulo 2^32
  // A step of 2^31 or more forward is read as the shorter step back (and a step back of more
  // than 2^31 as a step forward over the wrap).
  const int64_t step = forward < 0x80000000u ? int64_t{forward} : int64_t{forward} - (int64_t{1} << 32);
  *last_ += step;
  return *last_;
}

}  // namespace liverelay::codec
