// A libuv timer owned by one object; the raw handle is freed in its close callback.
#pragma once

#include <cstdint>
#include <functional>

#include <uv.h>

namespace liverelay {

class Timer {
 public:
  explicit Timer(uv_loop_t* loop);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Calls `callback` after `timeout_ms`, then every `repeat_ms` (0: once).
  void start(uint64_t timeout_ms, uint64_t repeat_ms, std::function<void()> callback);
  void stop();
  // Restarts the countdown of a repeating timer (cheap: for "reset on every read").
  void again();

 private:
  uv_timer_t* handle_;
  std::function<void()> callback_;
};

}  // namespace liverelay
