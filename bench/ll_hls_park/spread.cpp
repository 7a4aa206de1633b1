// Deliveries grouped into rounds by part, and the spread of each round from its first.
#include "spread.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace ll_hls_park {

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

Spread measure_spread(std::span<const std::vector<Delivery>* const> players) {
  std::map<PartId, std::vector<const Delivery*>> by_part;
  for (const auto* deliveries : players) {
    for (const Delivery& d : *deliveries) by_part[d.part].push_back(&d);
  }
  Spread spread;
  for (const auto& [part, deliveries] : by_part) {
    uint64_t first = UINT64_MAX;
    for (const Delivery* d : deliveries) first = std::min(first, d->arrived_ns);
    std::vector<double> round;
    for (const Delivery* d : deliveries) {
      if (d->sent_ns >= first) {
        ++spread.not_parked;
        continue;
      }
      round.push_back(static_cast<double>(d->arrived_ns - first) / 1e6);
    }
    std::sort(round.begin(), round.end());
    spread.rounds.push_back({part, round.size(), quantile(round, 0.5), round.empty() ? 0 : round.back()});
    spread.after_first_ms.insert(spread.after_first_ms.end(), round.begin(), round.end());
  }
  std::sort(spread.after_first_ms.begin(), spread.after_first_ms.end());
  return spread;
}

}  // namespace ll_hls_park
