// Told when a stream's broadcast begins and ends; a publisher reconnecting within the grace
// continues the same broadcast and is not a new one. The broadcast index and the recorder
// follow broadcasts through it.
#pragma once

#include <cstdint>
#include <string>

#include "server/hls/hls_packager.hpp"

namespace liverelay {

class BroadcastObserver {
 public:
  virtual ~BroadcastObserver() = default;
  // `started_at_ms`: wall clock. Returns who keeps the broadcast's HLS segments (empty: nobody).
  virtual HlsPackager::SegmentListener on_broadcast_begin(const std::string& stream, int64_t started_at_ms) = 0;
  // The grace passed (or the admin ended it); `ended_at_ms`: when the last publisher left.
  // Every segment of the broadcast has been listed by then.
  virtual void on_broadcast_end(const std::string& stream, int64_t ended_at_ms) = 0;
};

}  // namespace liverelay
