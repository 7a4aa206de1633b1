// The figure the benchmark is about: for every part, how long after the first player of the
// round received the playlist that lists it each of the others received theirs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "delivery.hpp"

namespace ll_hls_park {

struct RoundSpread {
  PartId part;
  uint64_t players = 0;  // parked deliveries of this part
  double p50_ms = 0;
  double last_ms = 0;  // the last player of the round
};

struct Spread {
  std::vector<double> after_first_ms;  // every parked delivery, sorted
  std::vector<RoundSpread> rounds;     // by part
  // Requests sent after the round's first answer had arrived: answered at once, not parked,
  // so left out of the spread (a thread that fell a whole part behind).
  uint64_t not_parked = 0;
};

// Groups every player's deliveries by the part they waited for.
Spread measure_spread(std::span<const std::vector<Delivery>* const> players);

// Nearest-rank quantile of sorted values (0 if there are none).
double quantile(const std::vector<double>& sorted, double q);

}  // namespace ll_hls_park
