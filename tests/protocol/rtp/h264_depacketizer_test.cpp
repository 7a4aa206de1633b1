// H264Depacketizer: round trips through the packetizer, and the packet sequences it refuses.
#include "protocol/rtp/h264_depacketizer.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <vector>

#include "protocol/rtp/h264_packetizer.hpp"
#include "tests/protocol/rtp/rtp_test_bytes.hpp"

namespace {

using liverelay::Errc;
using liverelay::rtp::H264Depacketizer;
using liverelay::rtp::H264Frame;
using liverelay::rtp::H264Packetizer;
using liverelay::rtp::H264PacketizerConfig;
using liverelay::rtp::parse_rtp;
using liverelay::rtp::RtpBatch;
using liverelay::rtp::RtpHeader;
using liverelay::rtp::RtpPacket;
using namespace liverelay::rtp::testing;

const Bytes kHighSps = {0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40, 0x50};
const Bytes kHighPps = {0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0};

// A packet as the depacketizer sees it; `payload` must outlive the result.
RtpPacket packet(uint16_t sequence, uint32_t timestamp, bool marker, const Bytes& payload) {
  RtpPacket out;
  out.header = RtpHeader{marker, 96, sequence, timestamp, 1};
  out.payload = payload;
  return out;
}

// Every packet of the batch through the depacketizer; the frames completed.
std::vector<H264Frame> depacketize(const RtpBatch& batch, H264Depacketizer& depacketizer) {
  std::vector<H264Frame> frames;
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto parsed = parse_rtp(batch.packet(i));
    REQUIRE(parsed);
    auto frame = depacketizer.push(*parsed);
    REQUIRE(frame);
    if (*frame) frames.push_back(std::move(**frame));
  }
  return frames;
}

}  // namespace

TEST_CASE("packetized access units come back unit for unit at every size around the boundaries", "[rtp]") {
  constexpr size_t kMtu = 100;
  const std::vector<size_t> sizes = {1, 2, 97, 98, 99, 100, 101, 102, 197, 198, 199, 200, 295, 296, 5000};
  for (size_t size : sizes) {
    INFO("IDR of " << size << " bytes");
    H264PacketizerConfig config;
    config.max_payload_size = kMtu;
    H264Packetizer packetizer(config);
    const std::vector<Bytes> sps = {kHighSps}, pps = {kHighPps};
    REQUIRE(packetizer.set_parameter_sets(sps, pps));
    const Bytes sei = nal(kSeiHeader, 12, 3);
    const Bytes idr = nal(kIdrHeader, size, 5);
    RtpBatch batch;
    REQUIRE(packetizer.packetize(avcc({{kAudHeader, 0xf0}, sei, idr}), 1000, true, batch));
    H264Depacketizer depacketizer;
    const auto frames = depacketize(batch, depacketizer);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].timestamp == 90000);
    CHECK(frames[0].nal_units == std::vector<Bytes>{kHighSps, kHighPps, sei, idr});
  }
}

TEST_CASE("a stream of random access units survives packetizing and depacketizing", "[rtp]") {
  std::mt19937 random(20240601);
  H264PacketizerConfig config;
  config.first_sequence = 65000;  // wraps during the run
  H264Packetizer packetizer(config);
  const std::vector<Bytes> sps = {kHighSps}, pps = {kHighPps};
  REQUIRE(packetizer.set_parameter_sets(sps, pps));
  H264Depacketizer depacketizer;
  RtpBatch batch;
  for (int frame = 0; frame < 200; ++frame) {
    const bool key = frame % 30 == 0;
    std::vector<Bytes> units;
    const size_t count = 1 + random() % 4;
    for (size_t i = 0; i < count; ++i) {
      const size_t size = 1 + random() % 4000;
      units.push_back(
          nal(key && i + 1 == count ? kIdrHeader : kSliceHeader, size, static_cast<uint8_t>(random())));
    }
    Bytes access_unit;
    for (const Bytes& unit : units) access_unit = join({access_unit, avcc({unit})});
    batch.clear();
    REQUIRE(packetizer.packetize(access_unit, frame * 33, key, batch));
    const auto frames = depacketize(batch, depacketizer);
    REQUIRE(frames.size() == 1);
    if (key) units.insert(units.begin(), {kHighSps, kHighPps});
    CHECK(frames[0].nal_units == units);
    CHECK(frames[0].timestamp == static_cast<uint32_t>(frame * 33 * 90));
  }
}

TEST_CASE("depacketizer reads a STAP-A and single units written out by hand", "[rtp]") {
  H264Depacketizer depacketizer;
  const Bytes stap = join({{0x78, 0x00, 0x08}, kHighSps, {0x00, 0x06}, kHighPps});
  const Bytes idr = {0x65, 0x88, 0x84, 0x00};
  const auto pending = depacketizer.push(packet(7, 3000, false, stap));
  REQUIRE(pending);
  CHECK_FALSE(*pending);
  const auto done = depacketizer.push(packet(8, 3000, true, idr));
  REQUIRE(done);
  REQUIRE(*done);
  CHECK((*done)->timestamp == 3000);
  CHECK((*done)->nal_units == std::vector<Bytes>{kHighSps, kHighPps, idr});
}

TEST_CASE("depacketizer drops an access unit with a lost packet and recovers at the next", "[rtp]") {
  H264Depacketizer depacketizer;
  const Bytes start = {0x7c, 0x85, 1, 2}, end = {0x7c, 0x45, 3, 4}, single = {0x41, 9};
  REQUIRE(depacketizer.push(packet(65535, 0, false, start)));
  const auto lost = depacketizer.push(packet(1, 0, true, end));  // 0 never came
  REQUIRE_FALSE(lost);
  CHECK(lost.error().message == "h264 depacketizer: sequence 1: packet lost, access unit dropped");
  const auto next = depacketizer.push(packet(2, 3000, true, single));
  REQUIRE(next);
  REQUIRE(*next);
  CHECK((*next)->nal_units == std::vector<Bytes>{single});
}

TEST_CASE("depacketizer refuses FU-A sequences that do not make a unit", "[rtp]") {
  const Bytes start = {0x7c, 0x85, 1}, middle = {0x7c, 0x05, 2}, end = {0x7c, 0x45, 3};
  const Bytes both = {0x7c, 0xc5, 1}, bare = {0x7c, 0x85};
  SECTION("a continuation without its start") {
    H264Depacketizer depacketizer;
    CHECK_FALSE(depacketizer.push(packet(1, 0, false, middle)));
  }
  SECTION("start and end in one fragment") {
    H264Depacketizer depacketizer;
    CHECK_FALSE(depacketizer.push(packet(1, 0, true, both)));
  }
  SECTION("a fragment with no data") {
    H264Depacketizer depacketizer;
    CHECK_FALSE(depacketizer.push(packet(1, 0, false, bare)));
  }
  SECTION("the marker before the end fragment") {
    H264Depacketizer depacketizer;
    REQUIRE(depacketizer.push(packet(1, 0, false, start)));
    CHECK_FALSE(depacketizer.push(packet(2, 0, true, middle)));
  }
  SECTION("a new timestamp before the marker") {
    H264Depacketizer depacketizer;
    REQUIRE(depacketizer.push(packet(1, 0, false, start)));
    CHECK_FALSE(depacketizer.push(packet(2, 3000, false, end)));
  }
  SECTION("a single unit inside an unfinished FU-A") {
    H264Depacketizer depacketizer;
    REQUIRE(depacketizer.push(packet(1, 0, false, start)));
    CHECK_FALSE(depacketizer.push(packet(2, 0, true, Bytes{0x41, 1})));
  }
}

TEST_CASE("depacketizer refuses every truncation of a STAP-A that cuts a unit", "[rtp]") {
  const Bytes stap = join({{0x78, 0x00, 0x08}, kHighSps, {0x00, 0x06}, kHighPps});
  const size_t first_end = 3 + kHighSps.size();
  for (size_t size = 1; size < stap.size(); ++size) {
    INFO("first " << size << " bytes");
    H264Depacketizer depacketizer;
    const Bytes cut = slice(stap, 0, size);
    const auto result = depacketizer.push(packet(1, 0, true, cut));
    REQUIRE(bool(result) == (size == first_end));  // ends right after the SPS: a STAP-A of one
  }
}

TEST_CASE("depacketizer refuses a zero-size STAP-A unit, interleaved modes and reserved types", "[rtp]") {
  struct Case {
    const char* what;
    Bytes payload;
    Errc code;
  };
  const std::vector<Case> cases = {
      {"zero-size unit", {0x78, 0x00, 0x00, 0x00, 0x01, 0x41}, Errc::malformed},
      {"STAP-B", {0x79, 0x00, 0x01, 0x00, 0x01, 0x41}, Errc::unsupported},
      {"FU-B", {0x7d, 0x85, 0x00, 0x01, 0x01}, Errc::unsupported},
      {"type 0", {0x00, 0x01}, Errc::malformed},
      {"type 30", {0x1e, 0x01}, Errc::malformed},
      {"empty payload", {}, Errc::truncated},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    H264Depacketizer depacketizer;
    const auto result = depacketizer.push(packet(1, 0, true, c.payload));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == c.code);
  }
}

TEST_CASE("depacketizer refuses an access unit over its size limit", "[rtp]") {
  H264Depacketizer depacketizer(10);
  const Bytes start = {0x7c, 0x85, 1, 2, 3, 4, 5, 6}, end = {0x7c, 0x45, 7, 8, 9, 10};
  REQUIRE(depacketizer.push(packet(1, 0, false, start)));
  const auto result = depacketizer.push(packet(2, 0, true, end));
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::over_limit);
}
