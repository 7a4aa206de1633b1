// The process's own figures for the stats API and /metrics: CPU time, resident memory, and a
// CPU percentage over a window of at least a second.
#pragma once

#include <cstdint>
#include <optional>

namespace liverelay {

// User + system CPU time the process has used, in seconds (getrusage).
[[nodiscard]] double process_cpu_seconds();
// Resident set size in bytes (/proc/self/statm); 0 when it cannot be read.
[[nodiscard]] uint64_t process_resident_bytes();

// CPU use as a percentage of one core since the previous reading, over at least a second:
// two readings a moment apart say little. Readings less than a second after the one before
// are measured from the reading before that; the first ones from the process start.
class CpuMeter {
 public:
  // `now_s`: steady clock in seconds; `cpu_s`: process_cpu_seconds() at that time.
  [[nodiscard]] double percent(double now_s, double cpu_s);
  [[nodiscard]] double percent();

 private:
  struct Reading {
    double at_s = 0;
    double cpu_s = 0;
  };
  static constexpr double kMinWindowS = 1.0;
  Reading from_ = process_start();
  Reading latest_ = process_start();
  static Reading process_start();
};

}  // namespace liverelay
