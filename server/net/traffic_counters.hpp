// Process-wide network totals: every byte any TCP connection (RTMP, HTTP, WebSocket) has read
// or written, for the server's stats and /metrics.
#pragma once

#include <atomic>
#include <cstdint>

namespace liverelay::traffic {

// Atomics though the loop is single-threaded: a reader on another thread stays well defined.
inline std::atomic<uint64_t> g_bytes_in{0};
inline std::atomic<uint64_t> g_bytes_out{0};

inline void count_in(uint64_t bytes) {
  g_bytes_in.fetch_add(bytes, std::memory_order_relaxed);
}
inline void count_out(uint64_t bytes) {
  g_bytes_out.fetch_add(bytes, std::memory_order_relaxed);
}
[[nodiscard]] inline uint64_t bytes_in() {
  return g_bytes_in.load(std::memory_order_relaxed);
}
[[nodiscard]] inline uint64_t bytes_out() {
  return g_bytes_out.load(std::memory_order_relaxed);
}

}  // namespace liverelay::traffic
