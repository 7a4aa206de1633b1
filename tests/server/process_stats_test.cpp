// Process figures: real readings are plausible; the CPU meter's window is at least a second.
#include "server/api/process_stats.hpp"

#include <catch2/catch.hpp>

using liverelay::CpuMeter;

TEST_CASE("process CPU time grows with work and resident memory is a plausible size") {
  const double before = liverelay::process_cpu_seconds();
  volatile double sink = 0;
  for (int i = 0; i < 20'000'000; ++i) sink = sink + i * 0.5;
  CHECK(liverelay::process_cpu_seconds() > before);
  const uint64_t rss = liverelay::process_resident_bytes();
  CHECK(rss > 1024 * 1024);
  CHECK(rss < uint64_t{64} * 1024 * 1024 * 1024);
}

TEST_CASE("CPU percent covers at least the last second since an earlier reading") {
  CpuMeter meter;
  const double t0 = 1e9;                  // long after the process started
  CHECK(meter.percent(t0, 10.0) < 0.01);  // ten CPU seconds spread over the process's life
  CHECK(meter.percent(t0 + 2.0, 11.0) == Approx(50.0));
  // Half a second later: still measured from t0, not over half a second alone.
  CHECK(meter.percent(t0 + 2.5, 11.5) == Approx(60.0));
  CHECK(meter.percent(t0 + 4.0, 11.5) == Approx(25.0));  // from t0 + 2
  CHECK(meter.percent(t0 + 4.0, 11.5) == Approx(25.0));  // a repeat changes nothing
}
