// Figures of a process read from /proc: resident memory and CPU time, for the server under test
// and for the load generator itself.
#pragma once

#include <cstdint>
#include <optional>

namespace ws_load {

// VmRSS of /proc/PID/status, in KiB.
std::optional<uint64_t> resident_kib(int pid);
// utime + stime of /proc/PID/stat, in seconds (10 ms ticks on most kernels).
std::optional<double> cpu_seconds(int pid);
// User + system CPU time of this process, all threads.
double own_cpu_seconds();
// CLOCK_MONOTONIC in nanoseconds: the clock comment texts carry (std::chrono::steady_clock).
uint64_t monotonic_ns();
// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the soft limit in force.
uint64_t raise_open_file_limit();

}  // namespace ws_load
