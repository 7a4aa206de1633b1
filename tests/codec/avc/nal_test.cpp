// Tests for AVCC NAL unit splitting, IDR detection and emulation prevention removal.
#include "codec/avc/nal.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "tests/codec/fixtures.hpp"

using liverelay::Errc;
namespace avc = liverelay::avc;
namespace fixtures = liverelay::fixtures;

namespace {
constexpr size_t kLegacyAvcHeaderSize = 5;  // FrameType/CodecID, AVCPacketType, SI24 cts
}

TEST_CASE("emulation prevention removal drops the 0x03 of each 0x000003") {
  const std::vector<uint8_t> nal = {0x67, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x03};
  const std::vector<uint8_t> expected = {0x67, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03};
  CHECK(avc::remove_emulation_prevention(nal) == expected);
}

TEST_CASE("emulation prevention removal keeps a 0x03 not preceded by two zeros") {
  const std::vector<uint8_t> nal = {0x00, 0x03, 0x03, 0x00, 0x01, 0x03};
  CHECK(avc::remove_emulation_prevention(nal) == nal);
}

TEST_CASE("AVCC splitting reads 4-byte lengths and reports NAL types") {
  const std::vector<uint8_t> payload = {0, 0, 0, 2, 0x09, 0xf0,         // access unit delimiter
                                        0, 0, 0, 3, 0x65, 0x88, 0x84};  // IDR slice
  auto units = avc::split_avcc(payload, 4);
  REQUIRE(units);
  REQUIRE(units->size() == 2);
  CHECK((*units)[0].type == 9);
  CHECK((*units)[0].bytes.size() == 2);
  CHECK((*units)[1].type == 5);
  CHECK((*units)[1].bytes[2] == 0x84);
  CHECK(avc::contains_idr(*units));
}

TEST_CASE("AVCC splitting honours 1- and 2-byte length sizes") {
  const std::vector<uint8_t> two = {0, 2, 0x41, 0x9a, 0, 1, 0x06};
  auto units = avc::split_avcc(two, 2);
  REQUIRE(units);
  REQUIRE(units->size() == 2);
  CHECK((*units)[0].type == 1);
  CHECK((*units)[1].type == 6);
  CHECK_FALSE(avc::contains_idr(*units));

  const std::vector<uint8_t> one = {1, 0x65};
  auto single = avc::split_avcc(one, 1);
  REQUIRE(single);
  CHECK(avc::contains_idr(*single));
}

TEST_CASE("AVCC splitting rejects a NAL unit running past the payload") {
  const std::vector<uint8_t> payload = {0, 0, 0, 9, 0x65, 0x88};
  auto units = avc::split_avcc(payload, 4);
  REQUIRE_FALSE(units);
  CHECK(units.error().code == Errc::truncated);
  CHECK(units.error().message == "avcc: NAL unit of 9 bytes with 2 left");
}

TEST_CASE("AVCC splitting rejects a cut length prefix, a zero length and a bad length size") {
  const std::vector<uint8_t> cut = {0, 0, 0, 1, 0x65, 0, 0};
  CHECK(avc::split_avcc(cut, 4).error().code == Errc::truncated);
  const std::vector<uint8_t> zero = {0, 0, 0, 0};
  CHECK(avc::split_avcc(zero, 4).error().code == Errc::malformed);
  CHECK(avc::split_avcc(zero, 3 + 2).error().code == Errc::malformed);
}

TEST_CASE("AVCC splitting finds the IDR in a real x264 keyframe and none in a P frame") {
  const auto key = std::span<const uint8_t>(fixtures::kH264Tags1).subspan(kLegacyAvcHeaderSize);
  auto units = avc::split_avcc(key, 4);
  REQUIRE(units);
  CHECK(units->front().type == static_cast<uint8_t>(avc::NalType::sei));
  CHECK(avc::contains_idr(*units));

  const auto inter = std::span<const uint8_t>(fixtures::kH264Tags2).subspan(kLegacyAvcHeaderSize);
  auto inter_units = avc::split_avcc(inter, 4);
  REQUIRE(inter_units);
  CHECK_FALSE(avc::contains_idr(*inter_units));
  CHECK(inter_units->back().type == static_cast<uint8_t>(avc::NalType::slice));
}
