// LatencySamples: nearest-rank percentiles over the most recent samples.
#include <catch2/catch.hpp>

#include "server/stream/latency_samples.hpp"

using liverelay::LatencySamples;

TEST_CASE("latency percentiles are nearest-rank over the samples kept") {
  LatencySamples samples;
  CHECK_FALSE(samples.percentile(50));
  for (int64_t v = 1; v <= 100; ++v) samples.add(v);
  CHECK(samples.percentile(50) == 50);
  CHECK(samples.percentile(99) == 99);
  CHECK(samples.percentile(100) == 100);
}

TEST_CASE("latency samples keep only the most recent ones") {
  LatencySamples samples;
  for (size_t i = 0; i < LatencySamples::kCapacity; ++i) samples.add(1'000'000);
  for (size_t i = 0; i < LatencySamples::kCapacity; ++i) samples.add(7);
  CHECK(samples.size() == LatencySamples::kCapacity);
  CHECK(samples.percentile(99) == 7);
}
