// Per-client limits on how fast room messages may come, with time passed in by the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace liverelay::room {

// A token bucket: it starts full with `burst` tokens and refills at `per_second`; each message
// takes one token. Tokens are counted in millionths, so refills add up exactly whatever the
// spacing of calls, and fractional rates (0.5: one every two seconds) work.
class TokenBucket {
 public:
  // per_second in [0.001, 1e6], burst in [1, 1e6]; anything else throws std::invalid_argument
  // (a configuration mistake, caught at start-up).
  TokenBucket(double per_second, double burst);

  // Takes one token if one is there at now_ms. The first call sets the clock; a clock that steps
  // back refills nothing until it passes the latest time seen.
  bool try_take(int64_t now_ms);

  // Tokens there at now_ms (with fractions), without taking any.
  [[nodiscard]] double available(int64_t now_ms) const;

 private:
  [[nodiscard]] int64_t tokens_at(int64_t now_ms) const;

  int64_t capacity_;       // millionths of a token
  int64_t refill_per_ms_;  // millionths of a token per millisecond
  int64_t tokens_;         // millionths of a token at last_ms_
  std::optional<int64_t> last_ms_;
};

inline constexpr size_t kDefaultMaxStrikes = 10;
inline constexpr int64_t kDefaultStrikeWindowMs = 10'000;

// Counts a client's refused messages; max_strikes of them within window_ms means the client is
// abusing the room and should be disconnected. Keeps at most max_strikes timestamps.
class AbuseCounter {
 public:
  explicit AbuseCounter(size_t max_strikes = kDefaultMaxStrikes, int64_t window_ms = kDefaultStrikeWindowMs);

  // Records a strike at now_ms; true when it makes max_strikes within the last window_ms
  // (and for every further strike while that holds): time to disconnect.
  bool strike(int64_t now_ms);

  // Strikes within the window ending at now_ms.
  [[nodiscard]] size_t strikes(int64_t now_ms) const;

 private:
  size_t max_strikes_;
  int64_t window_ms_;
  std::deque<int64_t> times_;  // oldest first, at most max_strikes_
};

}  // namespace liverelay::room
