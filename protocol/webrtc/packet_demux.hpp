// Tells apart what arrives on the one WebRTC UDP port: STUN, DTLS, RTP, RTCP (RFC 7983).
#pragma once

#include <cstdint>
#include <span>

namespace liverelay::webrtc {

enum class PacketKind { stun, dtls, rtp, rtcp, unknown };

// RFC 7983 7: the first byte picks the protocol (0-3 STUN, 20-63 DTLS, 128-191 RTP or RTCP);
// RFC 5761 4: then the second byte's payload type, 64-95 with the marker bit masked off
// (RTCP packet types 192-223), tells RTCP from RTP. ZRTP and TURN channels count as unknown,
// and so does a datagram too short to hold the header of its kind.
PacketKind classify_packet(std::span<const uint8_t> datagram);

}  // namespace liverelay::webrtc
