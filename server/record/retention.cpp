// Retention choice: pure, so its rules are unit-tested without files or a database.
#include "server/record/retention.hpp"

#include <algorithm>

namespace liverelay {

std::vector<int64_t> choose_expired(std::span<const RetentionCandidate> candidates, int64_t now_ms,
                                    const RetentionLimits& limits) {
  std::vector<const RetentionCandidate*> oldest_first;
  int64_t total = 0;
  for (const auto& candidate : candidates) {
    oldest_first.push_back(&candidate);
    total += std::max<int64_t>(candidate.bytes, 0);
  }
  std::sort(oldest_first.begin(), oldest_first.end(), [](const auto* a, const auto* b) {
    return a->started_at_ms != b->started_at_ms ? a->started_at_ms < b->started_at_ms : a->id < b->id;
  });
  std::vector<int64_t> expired;
  for (const auto* candidate : oldest_first) {
    if (candidate->open) continue;
    const bool too_old = limits.max_age_ms > 0 && now_ms - candidate->ended_at_ms > limits.max_age_ms;
    const bool over_bytes = limits.max_bytes > 0 && total > limits.max_bytes;
    if (!too_old && !over_bytes) continue;
    expired.push_back(candidate->id);
    total -= std::max<int64_t>(candidate->bytes, 0);
  }
  return expired;
}

}  // namespace liverelay
