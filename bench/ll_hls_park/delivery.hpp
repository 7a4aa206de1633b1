// One blocking reload answered, as a player recorded it.
#pragma once

#include <cstdint>

#include "playlist_position.hpp"

namespace ll_hls_park {

// Which part the reload waited for, when it was sent and when the whole answer had been read
// (CLOCK_MONOTONIC ns, comparable across threads).
struct Delivery {
  PartId part;
  uint64_t sent_ns = 0;
  uint64_t arrived_ns = 0;
};

}  // namespace ll_hls_park
