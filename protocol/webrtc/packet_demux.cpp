// First-byte demultiplexing of STUN, DTLS and SRTP/SRTCP on one socket (RFC 7983, RFC 5761).
#include "protocol/webrtc/packet_demux.hpp"

namespace liverelay::webrtc {
namespace {

constexpr size_t kStunHeaderBytes = 20;  // RFC 8489 5
constexpr size_t kDtlsHeaderBytes = 13;  // RFC 6347 4.1: type, version, epoch, sequence, length
constexpr size_t kRtcpHeaderBytes = 8;   // RFC 3550 6.4: the smallest report, with its SSRC
constexpr size_t kRtpHeaderBytes = 12;   // RFC 3550 5.1

}  // namespace

PacketKind classify_packet(std::span<const uint8_t> datagram) {
  if (datagram.empty()) return PacketKind::unknown;
  const uint8_t first = datagram[0];
  if (first <= 3) return datagram.size() >= kStunHeaderBytes ? PacketKind::stun : PacketKind::unknown;
  if (first >= 20 && first <= 63)
    return datagram.size() >= kDtlsHeaderBytes ? PacketKind::dtls : PacketKind::unknown;
  if (first >= 128 && first <= 191) {
    if (datagram.size() < kRtcpHeaderBytes) return PacketKind::unknown;
    const uint8_t payload_type = datagram[1] & 0x7F;
    if (payload_type >= 64 && payload_type <= 95) return PacketKind::rtcp;
    return datagram.size() >= kRtpHeaderBytes ? PacketKind::rtp : PacketKind::unknown;
  }
  return PacketKind::unknown;
}

}  // namespace liverelay::webrtc
