// A sink's own timeline across publishers. Each publisher starts its clock again (usually at
// 0); what a sink sends continues after what it already sent, so its receiver (a player, a push
// target) never sees time go back when a publisher reconnects within the grace.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

namespace liverelay {

class SinkTimeline {
 public:
  // A new publisher: its first tag maps to just after the last one sent.
  void restart() {
    base_.reset();
    start_ = sent_any_ ? end_ + 1 : 0;
  }

  // The sink's timestamp for a publisher's tag timestamp (32-bit, wrapping).
  uint32_t map(uint32_t timestamp) {
    if (!base_) base_ = timestamp;
    // Signed: a tag a little before the stretch's first one (audio around a keyframe) is held
    // at the start rather than sent 49 days ahead.
    const auto offset = static_cast<int32_t>(timestamp - *base_);
    const uint32_t out = start_ + static_cast<uint32_t>(std::max(offset, 0));
    end_ = sent_any_ ? std::max(end_, out) : out;
    sent_any_ = true;
    return out;
  }

 private:
  std::optional<uint32_t> base_;  // the current publisher's first timestamp
  uint32_t start_ = 0;            // where the current publisher's stretch starts for the sink
  uint32_t end_ = 0;              // the latest timestamp sent
  bool sent_any_ = false;
};

}  // namespace liverelay
