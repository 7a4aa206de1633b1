// Unit tests for RFC 7983 demultiplexing with the first bytes of real packets of each kind.
#include "protocol/webrtc/packet_demux.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "rfc5769_vectors.hpp"

using namespace liverelay::webrtc;

namespace {

std::vector<uint8_t> packet(std::initializer_list<uint8_t> head, size_t size) {
  std::vector<uint8_t> bytes(head);
  bytes.resize(size, 0);
  return bytes;
}

}  // namespace

TEST_CASE("demux recognises STUN, DTLS, RTP and RTCP by their first bytes") {
  CHECK(classify_packet(test::rfc5769_request()) == PacketKind::stun);
  // DTLS 1.2 handshake record (ClientHello): content type 22, version fe fd
  CHECK(classify_packet(packet({0x16, 0xfe, 0xfd}, 120)) == PacketKind::dtls);
  CHECK(classify_packet(packet({0x17, 0xfe, 0xfd}, 40)) == PacketKind::dtls);  // application data (SCTP)
  CHECK(classify_packet(packet({0x80, 0x66}, 1200)) == PacketKind::rtp);       // H.264 payload type 102
  CHECK(classify_packet(packet({0x80, 0xE0}, 1200)) == PacketKind::rtp);       // marker bit, type 96
  CHECK(classify_packet(packet({0x80, 0x6F}, 100)) == PacketKind::rtp);        // Opus 111
  CHECK(classify_packet(packet({0x80, 0xC8}, 28)) == PacketKind::rtcp);        // sender report (200)
  CHECK(classify_packet(packet({0x81, 0xC9}, 32)) == PacketKind::rtcp);        // receiver report (201)
  CHECK(classify_packet(packet({0x81, 0xCD}, 16)) == PacketKind::rtcp);        // NACK (205)
  CHECK(classify_packet(packet({0x81, 0xCE}, 12)) == PacketKind::rtcp);        // PLI (206)
}

TEST_CASE("demux calls unknown what no WebRTC peer sends, or what is too short") {
  CHECK(classify_packet({}) == PacketKind::unknown);
  CHECK(classify_packet(packet({0x10}, 40)) == PacketKind::unknown);        // ZRTP
  CHECK(classify_packet(packet({0x40}, 40)) == PacketKind::unknown);        // TURN channel
  CHECK(classify_packet(packet({0xC0}, 40)) == PacketKind::unknown);        // above RTP's range
  CHECK(classify_packet(packet({0x00, 0x01}, 19)) == PacketKind::unknown);  // shorter than a STUN header
  CHECK(classify_packet(packet({0x16, 0xfe}, 12)) ==
        PacketKind::unknown);  // shorter than a DTLS record header
  CHECK(classify_packet(packet({0x80, 0x66}, 11)) == PacketKind::unknown);  // shorter than an RTP header
  CHECK(classify_packet(packet({0x80, 0xC8}, 7)) == PacketKind::unknown);   // shorter than an RTCP header
}
