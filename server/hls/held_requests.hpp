// Low-latency HLS requests held on the loop (blocking playlist reloads, preload-hinted parts):
// answered by whoever holds them once their media is listed, or with an error when their
// deadline passes. No thread and no polling for media: only the deadlines are swept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <uv.h>

#include "server/http/http_types.hpp"
#include "server/net/timer.hpp"

namespace liverelay {

class HeldRequests {
 public:
  explicit HeldRequests(uv_loop_t* loop) : timer_(loop) {}

  // Holds `pending` until `deadline_ms` (steady clock); then, if nobody answered it, answers
  // `on_timeout`.
  void hold(std::shared_ptr<PendingResponse> pending, int64_t deadline_ms, HttpResponse on_timeout);

  // Requests held and not yet answered (answered ones are forgotten at the next sweep).
  [[nodiscard]] size_t size() const { return held_.size(); }

 private:
  struct Held {
    std::shared_ptr<PendingResponse> pending;
    int64_t deadline_ms = 0;
    HttpResponse on_timeout;
  };

  void sweep();

  Timer timer_;
  bool sweeping_ = false;
  std::vector<Held> held_;
};

}  // namespace liverelay
