// HeldRequests: deadlines for held low-latency HLS requests.
#include "server/hls/held_requests.hpp"

#include "server/clock.hpp"

namespace liverelay {
namespace {

// A deadline three target durations away is met within this.
constexpr uint64_t kSweepMs = 100;

}  // namespace

void HeldRequests::hold(std::shared_ptr<PendingResponse> pending, int64_t deadline_ms, HttpResponse on_timeout) {
  held_.push_back(Held{std::move(pending), deadline_ms, std::move(on_timeout)});
  if (!sweeping_) {
    sweeping_ = true;
    timer_.start(kSweepMs, kSweepMs, [this] { sweep(); });
  }
}

void HeldRequests::sweep() {
  const int64_t now = steady_ms();
  std::vector<Held> waiting;
  std::vector<Held> expired;
  for (auto& held : held_) {
    if (held.pending->settled()) continue;
    (held.deadline_ms > now ? waiting : expired).push_back(std::move(held));
  }
  held_ = std::move(waiting);
  // Answered after the list is consistent: an answer may lead to a new request being held.
  for (auto& held : expired) held.pending->answer(std::move(held.on_timeout));
  if (held_.empty()) {
    timer_.stop();
    sweeping_ = false;
  }
}

}  // namespace liverelay
