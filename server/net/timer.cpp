// Timer: uv_timer_t with the owner-detached lifetime of every handle here.
#include "server/net/timer.hpp"

#include "server/net/uv_handles.hpp"
namespace liverelay {

Timer::Timer(uv_loop_t* loop) : handle_(new uv_timer_t{}) {
  uv_timer_init(loop, handle_);
  handle_->data = this;
}

Timer::~Timer() {
  handle_->data = nullptr;
  close_and_delete(handle_);
}

void Timer::start(uint64_t timeout_ms, uint64_t repeat_ms, std::function<void()> callback) {
  callback_ = std::move(callback);
  uv_timer_start(handle_, [](uv_timer_t* handle) {
    auto* self = static_cast<Timer*>(handle->data);
    if (self != nullptr) self->callback_();
  }, timeout_ms, repeat_ms);
}

void Timer::stop() { uv_timer_stop(handle_); }

void Timer::again() { uv_timer_again(handle_); }

}  // namespace liverelay
