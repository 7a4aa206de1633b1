// Outgoing RTCP (RFC 3550 6.4.1, 6.5.1): the sender report compound the server sends per stream.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/rtp/ntp_time.hpp"

namespace liverelay::rtp {

struct SenderInfo {
  uint32_t ssrc = 0;
  // The same instant twice: wall-clock (NTP) and the RTP timestamp it corresponds to, so that a
  // receiver can map the media clock to wall-clock and sync audio with video (RFC 3550 6.4.1).
  NtpTime ntp;
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;  // payload octets, headers and padding not counted
};

// Appends a compound packet (RFC 3550 6.1): an SR with no report blocks (the server receives no
// media to report on), then an SDES with the CNAME of the same SSRC, as every compound must carry.
// Throws std::invalid_argument for an empty CNAME or one over 255 bytes: the caller makes it.
void write_sender_report(const SenderInfo& info, std::string_view cname, std::vector<uint8_t>& out);

}  // namespace liverelay::rtp
