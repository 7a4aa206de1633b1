// Per-client limits on how fast room messages may come: a token bucket and a strike counter.
#include "protocol/room/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace liverelay::room {
namespace {

constexpr int64_t kUnitsPerToken = 1'000'000;
constexpr double kMinRate = 0.001;  // one refill unit per millisecond
constexpr double kMaxRate = 1e6;
constexpr double kMinBurst = 1;  // below one token nothing could ever pass
constexpr double kMaxBurst = 1e6;

}  // namespace

TokenBucket::TokenBucket(double per_second, double burst) {
  // Written so that NaN fails too.
  if (!(per_second >= kMinRate && per_second <= kMaxRate)) {
    throw std::invalid_argument("token bucket: rate must be between 0.001 and 1e6 per second");
  }
  if (!(burst >= kMinBurst && burst <= kMaxBurst)) {
    throw std::invalid_argument("token bucket: burst must be between 1 and 1e6");
  }
  capacity_ = std::llround(burst * kUnitsPerToken);
  // per_second tokens a second is per_second / 1000 tokens a millisecond.
  refill_per_ms_ = std::llround(per_second * kUnitsPerToken / 1000);
  tokens_ = capacity_;
}

int64_t TokenBucket::tokens_at(int64_t now_ms) const {
  if (!last_ms_ || now_ms <= *last_ms_) return tokens_;
  // Compare before multiplying: after hours of silence elapsed * rate could overflow.
  const int64_t elapsed = now_ms - *last_ms_;
  const int64_t missing = capacity_ - tokens_;
  if (elapsed >= missing / refill_per_ms_ + 1) return capacity_;
  return std::min(capacity_, tokens_ + elapsed * refill_per_ms_);
}

bool TokenBucket::try_take(int64_t now_ms) {
  tokens_ = tokens_at(now_ms);
  last_ms_ = last_ms_ ? std::max(*last_ms_, now_ms) : now_ms;
  if (tokens_ < kUnitsPerToken) return false;
  tokens_ -= kUnitsPerToken;
  return true;
}

double TokenBucket::available(int64_t now_ms) const {
  return static_cast<double>(tokens_at(now_ms)) / kUnitsPerToken;
}

AbuseCounter::AbuseCounter(size_t max_strikes, int64_t window_ms)
    : max_strikes_(std::max<size_t>(max_strikes, 1)), window_ms_(window_ms) {}

bool AbuseCounter::strike(int64_t now_ms) {
  // A clock that steps back counts the strike at the latest time seen, keeping times_ sorted.
  if (!times_.empty()) now_ms = std::max(now_ms, times_.back());
  times_.push_back(now_ms);
  while (times_.size() > max_strikes_) times_.pop_front();
  return strikes(now_ms) >= max_strikes_;
}

size_t AbuseCounter::strikes(int64_t now_ms) const {
  // A strike at t counts while now_ms - t < window_ms.
  const auto first_inside =
      std::find_if(times_.begin(), times_.end(), [&](int64_t t) { return now_ms - t < window_ms_; });
  return static_cast<size_t>(times_.end() - first_inside);
}

}  // namespace liverelay::room
