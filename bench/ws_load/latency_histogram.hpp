// A log-linear histogram of nanosecond latencies (1.6 % buckets), cheap enough to record every
// delivery and mergeable across threads.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace ws_load {

class LatencyHistogram {
 public:
  LatencyHistogram() : buckets_(kBuckets, 0) {}

  void record(uint64_t ns) {
    ++buckets_[index(ns)];
    ++count_;
    max_ = std::max(max_, ns);
  }

  void merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
  }

  [[nodiscard]] uint64_t count() const { return count_; }
  [[nodiscard]] uint64_t max() const { return max_; }

  // The value under which a fraction q of the recordings fall (bucket midpoint, capped at max).
  [[nodiscard]] uint64_t quantile(double q) const {
    if (count_ == 0) return 0;
    auto rank = static_cast<uint64_t>(q * static_cast<double>(count_) + 0.999999);
    rank = std::clamp<uint64_t>(rank, 1, count_);
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += buckets_[i];
      if (seen >= rank) return std::min(max_, (lower_bound(i) + lower_bound(i + 1)) / 2);
    }
    return max_;
  }

 private:
  // Values under 128 have their own bucket; above, each power of two has 64 buckets.
  static constexpr unsigned kLinear = 128;
  static constexpr unsigned kPerOctave = 64;
  static constexpr size_t kBuckets = kLinear + 57 * kPerOctave;

  static size_t index(uint64_t v) {
    if (v < kLinear) return v;
    unsigned shift = static_cast<unsigned>(std::bit_width(v)) - 7;  // top 7 bits kept: [64, 128)
    return kLinear + (shift - 1) * kPerOctave + ((v >> shift) - kPerOctave);
  }
  static uint64_t lower_bound(size_t i) {
    if (i < kLinear) return i;
    size_t shift = (i - kLinear) / kPerOctave + 1;
    return (kPerOctave + (i - kLinear) % kPerOctave) << shift;
  }

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace ws_load
