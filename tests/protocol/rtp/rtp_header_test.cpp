// RTP header writing, in-place rewrites and parsing against the RFC 3550 5.1 layout.
#include "protocol/rtp/rtp_header.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "tests/protocol/rtp/rtp_test_bytes.hpp"

namespace {

using liverelay::Errc;
using liverelay::rtp::parse_rtp;
using liverelay::rtp::RtpHeader;
using namespace liverelay::rtp::testing;

// V=2 P=1 X=1 CC=2, M=0 PT=111, seq 1, ts 2400, SSRC 0xaabbccdd, two CSRCs, an RFC 8285
// one-byte extension of one word, a 3-byte payload and 3 bytes of padding.
const Bytes kFullPacket = {
    0xb2, 0x6f, 0x00, 0x01, 0x00, 0x00, 0x09, 0x60, 0xaa, 0xbb, 0xcc, 0xdd,  // fixed header
    0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22,                          // CSRC list
    0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00,                          // extension
    'p',  'a',  'y',                                                         // payload
    0x00, 0x00, 0x03,                                                        // padding
};

}  // namespace

TEST_CASE("rtp header is written in the RFC 3550 layout", "[rtp]") {
  Bytes out(12);
  liverelay::rtp::write_rtp_header(RtpHeader{true, 96, 0x1234, 0xdeadbeef, 0x01020304}, out);
  CHECK(out == Bytes{0x80, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04});
}

TEST_CASE("rtp header writer refuses a short buffer and a payload type over 127", "[rtp]") {
  Bytes short_buffer(11);
  CHECK_THROWS_AS(liverelay::rtp::write_rtp_header(RtpHeader{}, short_buffer), std::invalid_argument);
  Bytes out(12);
  CHECK_THROWS_AS(liverelay::rtp::write_rtp_header(RtpHeader{false, 128, 0, 0, 0}, out),
                  std::invalid_argument);
}

TEST_CASE("a viewer rewrites sequence, SSRC and payload type in place and nothing else", "[rtp]") {
  Bytes packet = {0x80, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x7c, 0x85};
  liverelay::rtp::set_sequence(packet, 0xfffe);
  liverelay::rtp::set_ssrc(packet, 0xcafebabe);
  liverelay::rtp::set_payload_type(packet, 102);
  CHECK(packet == Bytes{0x80, 0xe6, 0xff, 0xfe, 0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe, 0x7c, 0x85});
  packet[1] = 0x60;  // marker clear
  liverelay::rtp::set_payload_type(packet, 127);
  CHECK(packet[1] == 0x7f);
  Bytes short_packet(8);
  CHECK_THROWS_AS(liverelay::rtp::set_sequence(short_packet, 1), std::invalid_argument);
}

TEST_CASE("rtp parser reads back what the writer wrote", "[rtp]") {
  Bytes packet(12);
  const RtpHeader header{true, 96, 65535, 4294967295u, 0x55667788};
  liverelay::rtp::write_rtp_header(header, packet);
  packet.push_back(0x7c);
  const auto parsed = parse_rtp(packet);
  REQUIRE(parsed);
  CHECK(parsed->header == header);
  CHECK(parsed->csrc_count == 0);
  CHECK_FALSE(parsed->extension);
  CHECK(Bytes(parsed->payload.begin(), parsed->payload.end()) == Bytes{0x7c});
}

TEST_CASE("rtp parser reads CSRCs, the extension and strips the padding", "[rtp]") {
  const auto parsed = parse_rtp(kFullPacket);
  REQUIRE(parsed);
  CHECK(parsed->header == RtpHeader{false, 111, 1, 2400, 0xaabbccdd});
  REQUIRE(parsed->csrc_count == 2);
  CHECK(parsed->csrcs[0] == 0x11111111);
  CHECK(parsed->csrcs[1] == 0x22222222);
  REQUIRE(parsed->extension);
  CHECK(parsed->extension->profile == 0xbede);
  CHECK(Bytes(parsed->extension->data.begin(), parsed->extension->data.end()) ==
        Bytes{0x10, 0xaa, 0x00, 0x00});
  CHECK(Bytes(parsed->payload.begin(), parsed->payload.end()) == Bytes{'p', 'a', 'y'});
  CHECK(parsed->padding_size == 3);
}

TEST_CASE("rtp parser accepts a padding-only packet with an empty payload", "[rtp]") {
  const Bytes probe = {0xa0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 4};
  const auto parsed = parse_rtp(probe);
  REQUIRE(parsed);
  CHECK(parsed->payload.empty());
  CHECK(parsed->padding_size == 4);
}

TEST_CASE("rtp parser refuses every truncation of a packet with padding", "[rtp]") {
  for (size_t size = 0; size < kFullPacket.size(); ++size) {
    INFO("first " << size << " bytes");
    CHECK_FALSE(parse_rtp(slice(kFullPacket, 0, size)));
  }
}

TEST_CASE("rtp parser refuses a cut header, CSRC list or extension and takes any shorter payload", "[rtp]") {
  Bytes packet = kFullPacket;
  packet[0] &= ~0x20;  // no padding: the padding bytes become payload
  constexpr size_t kHeaders = 12 + 8 + 8;
  for (size_t size = 0; size <= packet.size(); ++size) {
    INFO("first " << size << " bytes");
    const auto parsed = parse_rtp(slice(packet, 0, size));
    REQUIRE(bool(parsed) == (size >= kHeaders));
    if (parsed) CHECK(parsed->payload.size() == size - kHeaders);
    if (!parsed) CHECK(parsed.error().code == Errc::truncated);
  }
}

TEST_CASE("rtp parser refuses other versions and impossible padding", "[rtp]") {
  Bytes packet = {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa, 0xbb};
  for (uint8_t version : {0, 1, 3}) {
    packet[0] = static_cast<uint8_t>(version << 6);
    const auto parsed = parse_rtp(packet);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == Errc::malformed);
  }
  packet[0] = 0xa0;   // padding bit
  packet.back() = 0;  // a count of 0 is not padding
  CHECK_FALSE(parse_rtp(packet));
  packet.back() = 3;  // more than the 2-byte payload
  const auto over = parse_rtp(packet);
  REQUIRE_FALSE(over);
  CHECK(over.error().message == "rtp: padding of 3 bytes in a payload of 2");
}
