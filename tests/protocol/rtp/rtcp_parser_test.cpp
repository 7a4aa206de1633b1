// parse_rtcp on compounds laid out by hand from RFC 3550 6.4, RFC 4585 6 and RFC 5104 4.3.
#include "protocol/rtp/rtcp_parser.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <variant>
#include <vector>

#include "tests/protocol/rtp/rtp_test_bytes.hpp"

namespace {

using liverelay::Errc;
using namespace liverelay::rtp;
using namespace liverelay::rtp::testing;

// What Chrome sends a send-only peer once rtcp-rsize is on: a receiver report from its default
// receive-only SSRC 1 about our video SSRC, then a PLI for it.
const Bytes kReceiverReport = {
    0x81, 0xc9, 0x00, 0x07,  // V=2 RC=1, RR, 8 words
    0x00, 0x00, 0x00, 0x01,  // reporter SSRC
    0x12, 0x34, 0x56, 0x78,  // source: our video
    0x10, 0x00, 0x00, 0x03,  // fraction lost 16/256, 3 lost in all
    0x00, 0x01, 0x00, 0x05,  // one wrap, highest 5
    0x00, 0x00, 0x00, 0x20,  // jitter 32
    0xa1, 0xb2, 0xc3, 0xd4,  // LSR
    0x00, 0x01, 0x00, 0x00,  // DLSR: 1 s
};
const Bytes kPli = {0x81, 0xce, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78};
const Bytes kChromeRrPli = join({kReceiverReport, kPli});

// Generic NACK: PID 65534 with BLP bits 0 and 2, then PID 16 with bit 15.
const Bytes kNack = {
    0x81, 0xcd, 0x00, 0x04,  // V=2 FMT=1, RTPFB, 5 words
    0x00, 0x00, 0x00, 0x01,  // sender SSRC
    0x12, 0x34, 0x56, 0x78,  // media source SSRC
    0xff, 0xfe, 0x00, 0x05,  // PID 65534, BLP bits 0 and 2
    0x00, 0x10, 0x80, 0x00,  // PID 16, BLP bit 15
};

// FIR (RFC 5104 4.3.1): media source SSRC 0, one FCI entry with sequence number 7.
const Bytes kFir = {
    0x84, 0xce, 0x00, 0x04,  // V=2 FMT=4, PSFB, 5 words
    0x00, 0x00, 0x00, 0x01,  // sender SSRC
    0x00, 0x00, 0x00, 0x00,  // media source SSRC: unused
    0x12, 0x34, 0x56, 0x78,  // FCI: the SSRC asked for a keyframe
    0x07, 0x00, 0x00, 0x00,  // sequence number, reserved
};

// REMB (draft-alvestrand-rmcat-remb): PSFB FMT 15, "REMB", one SSRC.
const Bytes kRemb = {
    0x8f, 0xce, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    'R',  'E',  'M',  'B',  0x01, 0x0b, 0xd4, 0x3a, 0x12, 0x34, 0x56, 0x78,
};

// transport-cc (draft-holmer-rmcat-transport-wide-cc-extensions 3.1): RTPFB FMT 15.
const Bytes kTransportCc = {
    0x8f, 0xcd, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78,
    0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x10, 0x00, 0x20, 0x01, 0x04, 0x00,
};

template <class T>
const T& as(const RtcpPacket& packet) {
  REQUIRE(std::holds_alternative<T>(packet));
  return std::get<T>(packet);
}

}  // namespace

TEST_CASE("rtcp parser reads Chrome's receiver report and PLI", "[rtcp]") {
  const auto parsed = parse_rtcp(kChromeRrPli);
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  const auto& rr = as<ReceiverReport>((*parsed)[0]);
  CHECK(rr.ssrc == 1);
  CHECK(rr.blocks == std::vector<ReportBlock>{{0x12345678, 16, 3, 0x00010005, 32, 0xa1b2c3d4, 0x10000}});
  const auto& pli = as<PictureLossIndication>((*parsed)[1]);
  CHECK(pli.sender_ssrc == 1);
  CHECK(pli.media_ssrc == 0x12345678);
}

TEST_CASE("rtcp parser expands NACK PID and BLP into lost sequence numbers across the wrap", "[rtcp]") {
  const auto parsed = parse_rtcp(kNack);
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 1);
  const auto& nack = as<GenericNack>((*parsed)[0]);
  CHECK(nack.sender_ssrc == 1);
  CHECK(nack.media_ssrc == 0x12345678);
  CHECK(nack.lost == std::vector<uint16_t>{65534, 65535, 1, 16, 32});
}

TEST_CASE("rtcp parser reads every BLP bit", "[rtcp]") {
  Bytes nack = slice(kNack, 0, 16);
  nack[3] = 0x03;                                                      // 4 words
  nack[12] = 0x00, nack[13] = 0x64, nack[14] = 0xff, nack[15] = 0xff;  // PID 100, all 16 bits
  const auto parsed = parse_rtcp(nack);
  REQUIRE(parsed);
  std::vector<uint16_t> expected;
  for (uint16_t sequence = 100; sequence <= 116; ++sequence) expected.push_back(sequence);
  CHECK(as<GenericNack>((*parsed)[0]).lost == expected);
}

TEST_CASE("rtcp parser reads a FIR with its sequence number", "[rtcp]") {
  const auto parsed = parse_rtcp(kFir);
  REQUIRE(parsed);
  const auto& fir = as<FullIntraRequest>((*parsed)[0]);
  CHECK(fir.sender_ssrc == 1);
  CHECK(fir.entries == std::vector<FirEntry>{{0x12345678, 7}});
}

TEST_CASE("rtcp parser reads a sender report with a block and a negative cumulative loss", "[rtcp]") {
  const Bytes sr = {
      0x81, 0xc8, 0x00, 0x0c, 0xaa, 0xbb, 0xcc, 0xdd,  // RC=1, SR, 13 words, SSRC
      0xe9, 0x3c, 0x7f, 0x00, 0x80, 0x00, 0x00, 0x00,  // NTP 2024-01-01 00:00:00.5
      0x00, 0x01, 0x5f, 0x90,                          // RTP timestamp 90000
      0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00,  // 256 packets, 65536 octets
      0x12, 0x34, 0x56, 0x78, 0x00, 0xff, 0xff, 0xfe,  // block: 0 lost lately, -2 in all
      0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  const auto parsed = parse_rtcp(sr);
  REQUIRE(parsed);
  const auto& report = as<SenderReport>((*parsed)[0]);
  CHECK(report.ssrc == 0xaabbccdd);
  CHECK(report.ntp == NtpTime{0xe93c7f00, 0x80000000});
  CHECK(report.rtp_timestamp == 90000);
  CHECK(report.packet_count == 256);
  CHECK(report.octet_count == 65536);
  REQUIRE(report.blocks.size() == 1);
  CHECK(report.blocks[0].cumulative_lost == -2);
  CHECK(report.blocks[0].highest_sequence == 9);
}

TEST_CASE("rtcp parser recognises REMB, transport-cc, SDES and BYE in one compound", "[rtcp]") {
  const Bytes sdes = {0x81, 0xca, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
                      0x01, 0x02, 'a',  'b',  0x00, 0x00, 0x00, 0x00};
  const Bytes bye = {0x81, 0xcb, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x03, 'e', 'n', 'd'};
  const auto parsed = parse_rtcp(join({kReceiverReport, sdes, kRemb, kTransportCc, bye}));
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 5);
  CHECK(as<IgnoredRtcp>((*parsed)[1]).packet_type == kRtcpSourceDescription);
  CHECK(as<IgnoredRtcp>((*parsed)[2]).packet_type == kRtcpPayloadFeedback);
  CHECK(as<IgnoredRtcp>((*parsed)[2]).format == kFmtApplicationLayer);
  CHECK(as<IgnoredRtcp>((*parsed)[3]).packet_type == kRtcpTransportFeedback);
  CHECK(as<IgnoredRtcp>((*parsed)[3]).format == kFmtTransportWideCc);
  CHECK(as<Bye>((*parsed)[4]).ssrcs == std::vector<uint32_t>{1});
}

TEST_CASE("rtcp parser strips padding from the last packet", "[rtcp]") {
  Bytes padded = join({kPli, {0x00, 0x00, 0x00, 0x04}});
  padded[0] |= 0x20;
  padded[3] = 0x03;
  const auto parsed = parse_rtcp(padded);
  REQUIRE(parsed);
  CHECK(as<PictureLossIndication>((*parsed)[0]).media_ssrc == 0x12345678);
}

TEST_CASE("rtcp parser refuses every truncation that does not end on a packet boundary", "[rtcp]") {
  const Bytes all = join({kChromeRrPli, kNack, kFir});
  std::vector<size_t> boundaries = {kReceiverReport.size()};
  boundaries.push_back(boundaries.back() + kPli.size());
  boundaries.push_back(boundaries.back() + kNack.size());
  for (size_t size = 0; size < all.size(); ++size) {
    INFO("first " << size << " bytes");
    const bool boundary = std::find(boundaries.begin(), boundaries.end(), size) != boundaries.end();
    const auto parsed = parse_rtcp(slice(all, 0, size));
    CHECK(bool(parsed) == boundary);
    if (!parsed) CHECK(parsed.error().code == Errc::truncated);
  }
  CHECK(parse_rtcp(all));
}

TEST_CASE("rtcp parser refuses packets whose declared contents do not fit their length", "[rtcp]") {
  struct Case {
    const char* what;
    Bytes packet;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"version 1", {0x41, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2}, "rtcp: packet 0: version 1"},
      {"RR with RC=2 and one block", join({{0x82}, slice(kReceiverReport, 1, 32)}),
       "rtcp: packet 0 (type 201): receiver report needs 52 bytes, the packet has 28"},
      {"SR without its sender info",
       {0x80, 0xc8, 0x00, 0x01, 0, 0, 0, 1},
       "rtcp: packet 0 (type 200): sender report needs 24 bytes, the packet has 4"},
      {"PLI without the media SSRC",
       {0x81, 0xce, 0x00, 0x01, 0, 0, 0, 1},
       "rtcp: packet 0 (type 206): feedback needs 8 bytes, the packet has 4"},
      {"NACK without FCI", join({{0x81, 0xcd, 0x00, 0x02}, slice(kNack, 4, 12)}),
       "rtcp: packet 0 (type 205): generic NACK with 0 bytes of FCI, not a positive multiple of 4"},
      {"FIR with half an entry", join({{0x84, 0xce, 0x00, 0x03}, slice(kFir, 4, 16)}),
       "rtcp: packet 0 (type 206): FIR with 4 bytes of FCI, not a positive multiple of 8"},
      {"BYE with more sources than bytes",
       {0x82, 0xcb, 0x00, 0x01, 0, 0, 0, 1},
       "rtcp: packet 0 (type 203): BYE needs 8 bytes, the packet has 4"},
      {"BYE reason past the end",
       {0x81, 0xcb, 0x00, 0x02, 0, 0, 0, 1, 0x08, 'e', 'n', 'd'},
       "rtcp: packet 0 (type 203): BYE reason of 8 bytes with 3 left"},
      {"padding count 0",
       {0xa1, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0},
       "rtcp: packet 0: padding of 0 bytes in a body of 12"},
      {"padding over the body",
       {0xa1, 0xce, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 13},
       "rtcp: packet 0: padding of 13 bytes in a body of 8"},
      {"second packet's length past the end",
       join({kReceiverReport, {0x81, 0xce, 0x00, 0x09}, slice(kPli, 4, 12)}),
       "rtcp: packet 1: length says 40 bytes, 12 left"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const auto parsed = parse_rtcp(c.packet);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().message == c.message);
  }
}

TEST_CASE("rtcp parser refuses every single-byte corruption of the header without reading out of bounds",
          "[rtcp]") {
  // Under ASan: any length or count a byte can declare stays inside the buffer.
  for (size_t at = 0; at < 4; ++at) {
    for (int value = 0; value < 256; ++value) {
      Bytes packet = kChromeRrPli;
      packet[at] = static_cast<uint8_t>(value);
      (void)parse_rtcp(packet);
      (void)parse_rtcp(slice(packet, 0, 20));
    }
  }
  Bytes flipped = kChromeRrPli;
  flipped[3] = 0x08;  // the RR claims the PLI's first word
  CHECK_FALSE(parse_rtcp(flipped));
}

TEST_CASE("is_rtcp tells RTCP from RTP on a muxed port", "[rtcp]") {
  CHECK(is_rtcp(kPli));
  CHECK(is_rtcp(Bytes{0x80, 0xc8}));
  CHECK(is_rtcp(Bytes{0x80, 0xdf}));
  CHECK_FALSE(is_rtcp(Bytes{0x80, 0x60}));  // PT 96
  CHECK_FALSE(is_rtcp(Bytes{0x80, 0xe0}));  // PT 96 with the marker
  CHECK_FALSE(is_rtcp(Bytes{0x80}));
}
