// Which recorded broadcasts retention removes: those ended longer ago than the age limit, then,
// oldest first, as many as it takes to bring the recordings' total bytes under the byte limit.
// A broadcast still live (or still being written) is never chosen, but its bytes count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace liverelay {

struct RetentionLimits {
  int64_t max_age_ms = 0;  // 0: no age limit
  int64_t max_bytes = 0;   // 0: no byte limit
};

struct RetentionCandidate {
  int64_t id = 0;
  int64_t started_at_ms = 0;
  int64_t ended_at_ms = 0;
  int64_t bytes = 0;
  bool open = false;  // live, or its recording is still being written
};

// The ids to remove, oldest first (by start, then id).
std::vector<int64_t> choose_expired(std::span<const RetentionCandidate> candidates, int64_t now_ms,
                                    const RetentionLimits& limits);

}  // namespace liverelay
