// The server's two clocks: steady time for intervals and timeouts, wall time for timestamps
// that leave the process (EXT-X-PROGRAM-DATE-TIME, broadcast tags).
#pragma once

#include <chrono>
#include <cstdint>

namespace liverelay {

inline int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

inline int64_t steady_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

inline int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace liverelay
