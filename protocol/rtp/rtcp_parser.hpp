// Incoming RTCP (RFC 3550 6): a compound packet from a viewer's browser to a list of values.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/rtp/rtcp_packets.hpp"

namespace liverelay::rtp {

// Parses every packet of a compound (RFC 3550 6.1), or a lone feedback packet (RFC 5506
// reduced-size RTCP, which browsers send once rtcp-rsize is negotiated: no leading report is
// required). Each packet's length must fit in what is left, and what a packet declares (report
// blocks, FCI entries, padding) must fit in its length; anything else fails the whole compound,
// with the packet's index and type in the message, and nothing is read out of bounds. Bytes after
// a packet's known fields (RFC 3550 6.4.1 profile extensions, a PLI's FCI) are ignored.
Result<std::vector<RtcpPacket>> parse_rtcp(std::span<const uint8_t> compound);

// RFC 5761 4: on a port shared with RTP, a second byte of 192..223 is RTCP (payload types 64..95
// with the marker bit, which RTP must not use there). At least 2 bytes, else false.
[[nodiscard]] bool is_rtcp(std::span<const uint8_t> packet);

}  // namespace liverelay::rtp
