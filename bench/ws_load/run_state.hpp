// What the loop threads and the main thread share: the run's phase, each thread's counters,
// and the totals the flood mode steers by.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "latency_histogram.hpp"

namespace ws_load {

// Written by one thread only, read by any: a relaxed load + store, no locked instruction.
class Counter {
 public:
  void add(uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void set(uint64_t v) { value_.store(v, std::memory_order_relaxed); }
  [[nodiscard]] uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// One loop thread's figures. Counters may be read while it runs; the histogram and the
// reason maps only once it has stopped.
struct ThreadStats {
  Counter viewers_open;  // upgraded, ever
  Counter senders_open;
  Counter viewers_dropped;
  Counter connect_failed;  // TCP connect or upgrade failed, or timed out
  Counter disconnected;    // open, then closed by the server or an error before the end
  Counter viewer_deliveries;
  Counter sender_deliveries;  // comments arriving back at sender connections
  Counter foreign_comments;   // comments without our send time (from someone else)
  Counter refused;            // "rate_limited" answers to a sender
  Counter other_errors;       // any other {"type":"error"}
  Counter viewer_count;       // the last {"type":"viewers"} count seen
  Counter histories;          // {"type":"history"}: one per connection that joined the room
  Counter last_delivery_ns;
  LatencyHistogram latency;                  // viewers only
  std::map<std::string, uint64_t> failures;  // why connections failed or dropped
  std::map<std::string, uint64_t> error_codes;
};

enum class Phase : int { kConnecting, kSending, kDraining, kClosing };

struct RunState {
  std::atomic<Phase> phase{Phase::kConnecting};
  std::atomic<uint64_t> comments_sent{0};
  std::atomic<uint64_t> comments_refused{0};
  uint64_t send_start_ns = 0;             // set before kSending is announced
  uint64_t receivers = 0;                 // open viewers when sending starts: the flood's divisor
  std::vector<const ThreadStats*> stats;  // every thread's, fixed before they start

  [[nodiscard]] uint64_t viewer_deliveries() const {
    uint64_t total = 0;
    for (const auto* s : stats) total += s->viewer_deliveries.get();
    return total;
  }
};

}  // namespace ws_load
