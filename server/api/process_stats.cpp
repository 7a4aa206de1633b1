// Process figures from getrusage and /proc/self/statm.
#include "server/api/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace liverelay {
namespace {

double steady_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Taken during static initialisation, before main: near enough to the start of the process,
// whose CPU time getrusage counts from zero.
const double g_process_start_s = steady_s();

double seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

double process_cpu_seconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

uint64_t process_resident_bytes() {
  // proc(5): "size resident shared text lib data dt", in pages.
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  unsigned long long size = 0;
  unsigned long long resident = 0;
  const int read = std::fscanf(file, "%llu %llu", &size, &resident);
  std::fclose(file);
  const long page = sysconf(_SC_PAGESIZE);
  if (read != 2 || page <= 0) return 0;
  return resident * static_cast<uint64_t>(page);
}

CpuMeter::Reading CpuMeter::process_start() {
  return {g_process_start_s, 0.0};
}

double CpuMeter::percent() {
  return percent(steady_s(), process_cpu_seconds());
}

double CpuMeter::percent(double now_s, double cpu_s) {
  if (now_s - latest_.at_s >= kMinWindowS) {
    from_ = latest_;
    latest_ = Reading{now_s, cpu_s};
  }
  const double elapsed = now_s - from_.at_s;
  if (elapsed <= 0) return 0;
  return std::max(0.0, (cpu_s - from_.cpu_s) / elapsed * 100.0);
}

}  // namespace liverelay
