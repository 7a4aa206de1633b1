// H264Packetizer: single NAL units, FU-A at exact size boundaries, STAP-A, markers, timestamps.
#include "protocol/rtp/h264_packetizer.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "protocol/rtp/rtp_header.hpp"
#include "tests/protocol/rtp/rtp_test_bytes.hpp"

namespace {

using liverelay::Errc;
using liverelay::rtp::H264Packetizer;
using liverelay::rtp::H264PacketizerConfig;
using liverelay::rtp::parse_rtp;
using liverelay::rtp::RtpBatch;
using namespace liverelay::rtp::testing;

const Bytes kSps = {0x67, 0x42, 0xc0, 0x1f, 0xda, 0x01, 0x40};
const Bytes kPps = {0x68, 0xce, 0x3c, 0x80};
const std::vector<Bytes> kSpsList = {kSps};
const std::vector<Bytes> kPpsList = {kPps};

H264PacketizerConfig config(size_t max_payload_size = 1200) {
  H264PacketizerConfig out;
  out.payload_type = 96;
  out.ssrc = 0x11223344;
  out.first_sequence = 1000;
  out.timestamp_offset = 0;
  out.max_payload_size = max_payload_size;
  return out;
}

Bytes payload_of(const RtpBatch& batch, size_t index) {
  const auto parsed = parse_rtp(batch.packet(index));
  REQUIRE(parsed);
  return Bytes(parsed->payload.begin(), parsed->payload.end());
}

std::vector<bool> markers_of(const RtpBatch& batch) {
  std::vector<bool> out;
  for (size_t i = 0; i < batch.size(); ++i) out.push_back(parse_rtp(batch.packet(i))->header.marker);
  return out;
}

std::vector<size_t> payload_sizes(const RtpBatch& batch) {
  std::vector<size_t> out;
  for (size_t i = 0; i < batch.size(); ++i) out.push_back(batch.packet(i).size() - 12);
  return out;
}

}  // namespace

TEST_CASE("packetizer sends a small slice as one single NAL unit packet with the marker", "[rtp]") {
  H264Packetizer packetizer(config());
  RtpBatch batch;
  const Bytes slice_nal = {0x41, 0x9a, 0x02, 0x03};
  REQUIRE(packetizer.packetize(avcc({slice_nal}), 0, false, batch) == 1u);
  CHECK(Bytes(batch.packet(0).begin(), batch.packet(0).end()) ==
        Bytes{0x80, 0xe0, 0x03, 0xe8, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x41, 0x9a, 0x02, 0x03});
  CHECK(packetizer.next_sequence() == 1001);
}

TEST_CASE("packetizer aggregates SPS and PPS in one STAP-A before an IDR", "[rtp]") {
  H264Packetizer packetizer(config());
  REQUIRE(packetizer.set_parameter_sets(kSpsList, kPpsList));
  RtpBatch batch;
  const Bytes idr = nal(kIdrHeader, 50);
  REQUIRE(packetizer.packetize(avcc({idr}), 40, true, batch) == 2u);
  // RFC 6184 5.7.1: NRI 3 (the highest of the two), type 24, then size-prefixed units.
  CHECK(payload_of(batch, 0) == join({{0x78, 0x00, 0x07}, kSps, {0x00, 0x04}, kPps}));
  CHECK(payload_of(batch, 1) == idr);
  CHECK(markers_of(batch) == std::vector<bool>{false, true});
  const auto first = parse_rtp(batch.packet(0));
  const auto second = parse_rtp(batch.packet(1));
  CHECK(first->header.timestamp == 3600);  // 40 ms at 90 kHz
  CHECK(second->header.timestamp == 3600);
  CHECK(first->header.sequence == 1000);
  CHECK(second->header.sequence == 1001);
}

TEST_CASE("packetizer puts parameter sets before an SEI and drops delimiters and filler", "[rtp]") {
  H264Packetizer packetizer(config());
  REQUIRE(packetizer.set_parameter_sets(kSpsList, kPpsList));
  RtpBatch batch;
  const Bytes sei = nal(kSeiHeader, 9);
  const Bytes idr = nal(kIdrHeader, 30);
  const Bytes aud = {kAudHeader, 0xf0};
  const Bytes filler = {kFillerHeader, 0xff, 0xff, 0x80};
  REQUIRE(packetizer.packetize(avcc({aud, sei, idr, filler}), 0, false, batch) == 3u);
  CHECK(payload_of(batch, 0)[0] == 0x78);  // STAP-A: an IDR is there even without the flag
  CHECK(payload_of(batch, 1) == sei);
  CHECK(payload_of(batch, 2) == idr);
  CHECK(markers_of(batch) == std::vector<bool>{false, false, true});
}

TEST_CASE("packetizer sends parameter sets for a flagged keyframe and not for other frames", "[rtp]") {
  H264Packetizer packetizer(config());
  REQUIRE(packetizer.set_parameter_sets(kSpsList, kPpsList));
  RtpBatch batch;
  REQUIRE(packetizer.packetize(avcc({nal(kSliceHeader, 20)}), 0, false, batch) == 1u);
  batch.clear();
  REQUIRE(packetizer.packetize(avcc({nal(kSliceHeader, 20)}), 0, true, batch) == 2u);  // e.g. recovery point
  CHECK(payload_of(batch, 0)[0] == 0x78);
}

TEST_CASE("packetizer sends without parameter sets when none were given", "[rtp]") {
  H264Packetizer packetizer(config());
  RtpBatch batch;
  REQUIRE(packetizer.packetize(avcc({kSps, kPps, nal(kIdrHeader, 20)}), 0, true, batch) == 3u);  // in-band
  CHECK(payload_of(batch, 0) == kSps);
  CHECK(payload_of(batch, 1) == kPps);
}

TEST_CASE("packetizer fragments a NAL unit only when it is over the payload size", "[rtp]") {
  constexpr size_t kMtu = 1200;
  struct Case {
    size_t nal_size;
    std::vector<size_t> payloads;
  };
  // FU-A: 2 bytes of headers, the unit's header byte not sent, so 1198 bytes of body per fragment.
  const std::vector<Case> cases = {
      {kMtu - 1, {kMtu - 1}},
      {kMtu, {kMtu}},
      {kMtu + 1, {kMtu, 2 + 2}},
      {1 + 2 * 1198, {kMtu, kMtu}},
      {2 + 2 * 1198, {kMtu, kMtu, 2 + 1}},
  };
  for (const Case& c : cases) {
    INFO("NAL unit of " << c.nal_size << " bytes");
    H264Packetizer packetizer(config(kMtu));
    RtpBatch batch;
    REQUIRE(packetizer.packetize(avcc({nal(kIdrHeader, c.nal_size)}), 0, false, batch) == c.payloads.size());
    CHECK(payload_sizes(batch) == c.payloads);
    CHECK(markers_of(batch).back());
  }
}

TEST_CASE("FU-A fragments carry S and E bits, keep NRI and rebuild the unit byte for byte", "[rtp]") {
  H264Packetizer packetizer(config(10));
  RtpBatch batch;
  const Bytes unit = nal(0x45, 20);                                          // NRI 2, IDR
  REQUIRE(packetizer.packetize(avcc({unit}), 0, false, batch) == 3u);        // 19 bytes of body: 8 + 8 + 3
  CHECK(payload_of(batch, 0) == join({{0x5c, 0x85}, slice(unit, 1, 9)}));    // NRI 2 | 28; S | 5
  CHECK(payload_of(batch, 1) == join({{0x5c, 0x05}, slice(unit, 9, 17)}));   // neither bit
  CHECK(payload_of(batch, 2) == join({{0x5c, 0x45}, slice(unit, 17, 20)}));  // E | 5
  CHECK(markers_of(batch) == std::vector<bool>{false, false, true});
}

TEST_CASE("the marker goes on the last fragment of the last unit of the access unit only", "[rtp]") {
  H264Packetizer packetizer(config(10));
  RtpBatch batch;
  REQUIRE(packetizer.packetize(avcc({nal(kSliceHeader, 15), nal(kSliceHeader, 5), nal(kSliceHeader, 15)}), 0,
                               false, batch) == 5u);
  CHECK(markers_of(batch) == std::vector<bool>{false, false, false, false, true});
}

TEST_CASE("parameter sets too big for one STAP-A go in their own packets", "[rtp]") {
  H264Packetizer packetizer(config(20));
  const std::vector<Bytes> sps = {nal(kSpsHeader, 15)};  // 1 + 2 + 15 + 2 + 4 = 24 > 20
  REQUIRE(packetizer.set_parameter_sets(sps, kPpsList));
  RtpBatch batch;
  REQUIRE(packetizer.packetize(avcc({nal(kIdrHeader, 10)}), 0, true, batch) == 3u);
  CHECK(payload_of(batch, 0) == sps[0]);
  CHECK(payload_of(batch, 1) == kPps);
  CHECK(markers_of(batch) == std::vector<bool>{false, false, true});
}

TEST_CASE("packetizer timestamps are 90 kHz from the offset and wrap modulo 2^32", "[rtp]") {
  H264PacketizerConfig c = config();
  c.timestamp_offset = 0xfffff000;
  H264Packetizer packetizer(c);
  CHECK(packetizer.rtp_timestamp(0) == 0xfffff000);
  CHECK(packetizer.rtp_timestamp(1000) == 0xfffff000u + 90000u);  // wrapped
  CHECK(packetizer.rtp_timestamp(-1) == 0xfffff000u - 90u);
  H264Packetizer no_offset(config());
  CHECK(no_offset.rtp_timestamp(47721859) == 14);  // 47721859 * 90 = 2^32 + 14
}

TEST_CASE("packetizer sequence numbers wrap from 65535 to 0", "[rtp]") {
  H264PacketizerConfig c = config(10);
  c.first_sequence = 65534;
  H264Packetizer packetizer(c);
  RtpBatch batch;
  REQUIRE(packetizer.packetize(avcc({nal(kSliceHeader, 30)}), 0, false, batch) == 4u);
  std::vector<uint16_t> sequences;
  for (size_t i = 0; i < batch.size(); ++i) sequences.push_back(parse_rtp(batch.packet(i))->header.sequence);
  CHECK(sequences == std::vector<uint16_t>{65534, 65535, 0, 1});
  CHECK(packetizer.next_sequence() == 2);
}

TEST_CASE("packetizer reads 2-byte AVCC lengths when configured so", "[rtp]") {
  H264PacketizerConfig c = config();
  c.nal_length_size = 2;
  H264Packetizer packetizer(c);
  RtpBatch batch;
  const Bytes unit = nal(kSliceHeader, 300);
  REQUIRE(packetizer.packetize(avcc({unit}, 2), 0, false, batch) == 1u);
  CHECK(payload_of(batch, 0) == unit);
}

TEST_CASE("a refilled batch reuses its buffer: no allocation per packet at steady state", "[rtp]") {
  H264Packetizer packetizer(config());
  REQUIRE(packetizer.set_parameter_sets(kSpsList, kPpsList));
  const Bytes access_unit = avcc({nal(kSeiHeader, 20), nal(kIdrHeader, 30000)});
  RtpBatch batch;
  REQUIRE(packetizer.packetize(access_unit, 0, true, batch) == 28u);  // STAP-A, SEI, 26 fragments
  const uint8_t* buffer = batch.bytes().data();
  for (int i = 0; i < 3; ++i) {
    batch.clear();
    REQUIRE(packetizer.packetize(access_unit, 33 * i, true, batch) == 28u);
    CHECK(batch.bytes().data() == buffer);
  }
}

TEST_CASE("an empty access unit or one of only delimiters gives no packet", "[rtp]") {
  H264Packetizer packetizer(config());
  RtpBatch batch;
  CHECK(packetizer.packetize({}, 0, false, batch) == 0u);
  CHECK(packetizer.packetize(avcc({{kAudHeader, 0x10}, {kFillerHeader, 0xff}}), 0, true, batch) == 0u);
  CHECK(batch.empty());
  CHECK(packetizer.next_sequence() == 1000);
}

TEST_CASE("a malformed access unit appends nothing and uses no sequence number", "[rtp]") {
  struct Case {
    const char* what;
    Bytes access_unit;
    Errc code;
  };
  const Bytes good = avcc({nal(kSliceHeader, 40)});
  const std::vector<Case> cases = {
      {"length prefix cut", {0x00, 0x00, 0x01}, Errc::truncated},
      {"zero-length unit", {0x00, 0x00, 0x00, 0x00}, Errc::malformed},
      {"unit longer than the rest", join({good, {0x00, 0x00, 0x00, 0x09, 0x41}}), Errc::truncated},
      {"type 0", avcc({{0x00, 0x01}}), Errc::unsupported},
      {"type 24 (STAP-A)", avcc({{0x78, 0x00}}), Errc::unsupported},
      {"type 28 (FU-A)", avcc({{0x7c, 0x85, 0x01}}), Errc::unsupported},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    H264Packetizer packetizer(config(10));
    RtpBatch batch;
    REQUIRE(packetizer.packetize(good, 0, false, batch) == 5u);
    const auto result = packetizer.packetize(c.access_unit, 0, false, batch);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == c.code);
    CHECK(batch.size() == 5u);
    CHECK(packetizer.next_sequence() == 1005);
  }
}

TEST_CASE("parameter sets are checked for their types and presence", "[rtp]") {
  H264Packetizer packetizer(config());
  const std::vector<Bytes> none;
  const std::vector<Bytes> empty_unit = {Bytes{}};
  CHECK_FALSE(packetizer.set_parameter_sets(none, kPpsList));
  CHECK_FALSE(packetizer.set_parameter_sets(kSpsList, none));
  CHECK_FALSE(packetizer.set_parameter_sets(kPpsList, kPpsList));  // a PPS where the SPS goes
  CHECK_FALSE(packetizer.set_parameter_sets(kSpsList, kSpsList));
  CHECK_FALSE(packetizer.set_parameter_sets(empty_unit, kPpsList));
}

TEST_CASE("packetizer refuses configurations it cannot packetize with", "[rtp]") {
  CHECK_THROWS_AS(H264Packetizer(config(2)), std::invalid_argument);
  CHECK_THROWS_AS(H264Packetizer(config(65524)), std::invalid_argument);
  H264PacketizerConfig c = config();
  c.nal_length_size = 3;
  CHECK_NOTHROW(H264Packetizer(c));
  c.nal_length_size = 5;
  CHECK_THROWS_AS(H264Packetizer(c), std::invalid_argument);
  c = config();
  c.payload_type = 128;
  CHECK_THROWS_AS(H264Packetizer(c), std::invalid_argument);
}
