// What the loop threads and the main thread share: the run's phase and each thread's counters.
#pragma once

#include <atomic>
#include <cstdint>

namespace ll_hls_park {

enum class Phase : int { kConnecting, kParking, kClosing };

// Written by one loop thread, polled by the main thread.
struct ThreadCounters {
  std::atomic<uint32_t> connected{0};
  std::atomic<uint32_t> connect_failed{0};
  std::atomic<uint64_t> deliveries{0};
  std::atomic<bool> finished{false};  // every player has done its rounds or failed
};

struct RunState {
  std::atomic<Phase> phase{Phase::kConnecting};
};

}  // namespace ll_hls_park
