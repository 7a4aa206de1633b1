// NTP timestamps (RFC 3550 4): wall-clock time to the 64-bit fixed-point form.
#include "protocol/rtp/ntp_time.hpp"

namespace liverelay::rtp {

namespace {

// RFC 5905 6: seconds from the NTP epoch (1900) to the Unix epoch (1970).
constexpr int64_t kUnixEpochInNtpSeconds = 2208988800;

}  // namespace

NtpTime to_ntp(std::chrono::system_clock::time_point time) {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  using std::chrono::seconds;
  const auto since_unix = duration_cast<microseconds>(time.time_since_epoch());
  auto whole = duration_cast<seconds>(since_unix);
  if (whole > since_unix) whole -= seconds(1);  // floor, should the clock read before 1970
  const auto micros = static_cast<uint64_t>((since_unix - whole).count());  // 0..999999
  NtpTime out;
  out.seconds = static_cast<uint32_t>(whole.count() + kUnixEpochInNtpSeconds);  // modulo 2^32: the era wraps
  out.fraction = static_cast<uint32_t>((micros << 32) / 1'000'000);
  return out;
}

}  // namespace liverelay::rtp
