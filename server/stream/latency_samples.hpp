// The last N latency samples and their percentiles: small, bounded, no allocation per sample.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace liverelay {

class LatencySamples {
 public:
  static constexpr size_t kCapacity = 1024;

  void add(int64_t microseconds) {
    samples_[next_ % kCapacity] = microseconds;
    ++next_;
  }

  [[nodiscard]] size_t size() const { return std::min(next_, kCapacity); }

  // The q-th percentile (0 < q <= 100) of the samples kept, nearest-rank; nullopt when empty.
  [[nodiscard]] std::optional<int64_t> percentile(double q) const {
    const size_t n = size();
    if (n == 0) return std::nullopt;
    std::vector<int64_t> sorted(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(n));
    std::sort(sorted.begin(), sorted.end());
    const auto rank = static_cast<size_t>(q / 100.0 * static_cast<double>(n) + 0.999999);
    return sorted[std::clamp<size_t>(rank, 1, n) - 1];
  }

 private:
  std::array<int64_t, kCapacity> samples_{};
  size_t next_ = 0;
};

}  // namespace liverelay
