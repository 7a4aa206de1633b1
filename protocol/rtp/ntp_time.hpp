// NTP timestamps (RFC 3550 4, RFC 5905 6) for RTCP sender reports and round-trip times.
#pragma once

#include <chrono>
#include <cstdint>

namespace liverelay::rtp {

struct NtpTime {
  uint32_t seconds = 0;   // since 1900-01-01 UTC, wrapping in 2036 (era 1 reads the same way)
  uint32_t fraction = 0;  // of a second, in units of 2^-32 s

  // RFC 3550 6.4.1: the middle 32 bits, which receivers echo as LSR and RTT arithmetic uses.
  [[nodiscard]] uint32_t compact() const { return (seconds << 16) | (fraction >> 16); }

  bool operator==(const NtpTime&) const = default;
};

// Wall-clock time to NTP: the caller reads the clock, this stays pure.
[[nodiscard]] NtpTime to_ntp(std::chrono::system_clock::time_point time);

}  // namespace liverelay::rtp
