// avcc_to_annexb: start codes, parameter sets before the SEI on keyframes, AUD kept first.
#include <catch2/catch.hpp>

#include "codec/avc/annexb.hpp"

using liverelay::avc::avcc_to_annexb;
using liverelay::avc::DecoderConfig;
using Bytes = std::vector<uint8_t>;

namespace {

DecoderConfig config() {
  DecoderConfig c;
  c.length_size = 4;
  c.sps = {{0x67, 0x64, 0x00, 0x1f}};
  c.pps = {{0x68, 0xee, 0x3c}};
  return c;
}

Bytes avcc(std::initializer_list<Bytes> nals) {
  Bytes out;
  for (const Bytes& nal : nals) {
    const auto n = static_cast<uint32_t>(nal.size());
    out.insert(out.end(), {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)});
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

}  // namespace

TEST_CASE("a keyframe gets SPS and PPS before its buffering-period SEI") {
  const Bytes sei{0x06, 0x00, 0x01, 0x80};
  const Bytes idr{0x65, 0x88, 0x84};
  auto out = avcc_to_annexb(avcc({sei, idr}), config(), true);
  REQUIRE(out);
  const Bytes expected{0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f, 0, 0, 0, 1, 0x68, 0xee, 0x3c,
                       0, 0, 0, 1, 0x06, 0x00, 0x01, 0x80, 0, 0, 0, 1, 0x65, 0x88, 0x84};
  CHECK(*out == expected);
}

TEST_CASE("an access unit delimiter stays first, before the parameter sets") {
  const Bytes aud{0x09, 0xf0};
  const Bytes idr{0x65, 0x88};
  auto out = avcc_to_annexb(avcc({aud, idr}), config(), true);
  REQUIRE(out);
  const Bytes expected{0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f,
                       0, 0, 0, 1, 0x68, 0xee, 0x3c, 0, 0, 0, 1, 0x65, 0x88};
  CHECK(*out == expected);
}

TEST_CASE("an inter frame is only given start codes") {
  const Bytes slice{0x41, 0x9a, 0x02};
  auto out = avcc_to_annexb(avcc({slice}), config(), false);
  REQUIRE(out);
  CHECK(*out == Bytes{0, 0, 0, 1, 0x41, 0x9a, 0x02});
}

TEST_CASE("a NAL length running past the access unit is an error") {
  Bytes broken = avcc({{0x41, 0x9a, 0x02}});
  broken[3] = 0x40;
  auto out = avcc_to_annexb(broken, config(), false);
  REQUIRE_FALSE(out);
  CHECK(out.error().message.rfind("annex b", 0) == 0);
}
