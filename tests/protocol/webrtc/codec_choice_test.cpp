// Unit tests for H.264 and Opus payload type choice among the codecs real offers carry.
#include "protocol/webrtc/codec_choice.hpp"

#include <catch2/catch.hpp>

#include "sdp_fixtures.hpp"

using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

namespace {

std::vector<RtpCodec> chromium_codecs(size_t m_line) {
  const auto offer = read_whep_offer(chromium_offer());
  REQUIRE(offer);
  return offer->media.at(m_line).codecs;
}

std::optional<uint8_t> h264_payload_type(const std::vector<RtpCodec>& codecs,
                                         std::string_view profile_level_id) {
  const auto chosen = choose_h264(codecs, profile_level_id);
  if (!chosen) return std::nullopt;
  return codecs[*chosen].payload_type;
}

RtpCodec h264(uint8_t payload_type, std::string fmtp) {
  return RtpCodec{payload_type, "H264", 90000, 0, std::move(fmtp), {}};
}

}  // namespace

TEST_CASE("h264 choice takes Chromium's payload type with the stream's exact profile-level-id") {
  const auto codecs = chromium_codecs(0);
  CHECK(h264_payload_type(codecs, "42e01f") == 108);
  CHECK(h264_payload_type(codecs, "42001f") == 102);
  CHECK(h264_payload_type(codecs, "4D001F") == 116);
}

TEST_CASE("h264 choice takes the same profile at another level, never packetization-mode 0") {
  const auto codecs = chromium_codecs(0);
  CHECK(h264_payload_type(codecs, "42e028") == 108);
  CHECK(h264_payload_type(codecs, "4d0028") == 116);
  CHECK(h264_payload_type(codecs, "4d4028") == 116);  // same profile_idc, other constraint flags
}

TEST_CASE("h264 choice answers a High stream with Constrained Baseline when High is not offered") {
  // Chromium offers no 64xxxx; a High stream without B-frames plays under 42e01f (DEPS.md).
  CHECK(h264_payload_type(chromium_codecs(0), "640028") == 108);
  CHECK(h264_profile_level_id(chromium_codecs(0)[0]) == "420010");  // VP8: no fmtp, the RFC 6184 default
}

TEST_CASE("h264 choice prefers an offered High profile for a High stream") {
  const std::vector<RtpCodec> codecs = {h264(100, "packetization-mode=1;profile-level-id=42e01f"),
                                        h264(101, "packetization-mode=1;profile-level-id=64001f"),
                                        h264(102, "packetization-mode=1;profile-level-id=640028")};
  CHECK(h264_payload_type(codecs, "640028") == 102);
  CHECK(h264_payload_type(codecs, "640032") == 101);  // same profile and flags: the first at any level
}

TEST_CASE("h264 choice falls back to the offer's order and refuses packetization-mode 0 alone") {
  CHECK(h264_payload_type({h264(97, "packetization-mode=1;profile-level-id=4d001f"),
                           h264(98, "packetization-mode=1;profile-level-id=f4001f")},
                          "640028") == 97);
  CHECK(h264_payload_type({h264(97, "profile-level-id=42e01f"), h264(98, "packetization-mode=0")},
                          "42e01f") == std::nullopt);
  CHECK(h264_payload_type({RtpCodec{96, "VP8", 90000, 0, "", {}}}, "42e01f") == std::nullopt);
  CHECK(h264_payload_type({h264(99, "packetization-mode=1")}, "42e01f") == 99);
  RtpCodec wrong_clock = h264(100, "packetization-mode=1;profile-level-id=42e01f");
  wrong_clock.clock_rate = 8000;
  CHECK(h264_payload_type({wrong_clock}, "42e01f") == std::nullopt);
}

TEST_CASE("opus choice takes opus/48000/2 whatever the name's case") {
  const auto audio = chromium_codecs(1);
  REQUIRE(choose_opus(audio));
  CHECK(audio[*choose_opus(audio)].payload_type == 111);
  const std::vector<RtpCodec> gstreamer = {RtpCodec{97, "OPUS", 48000, 2, "", {}}};
  CHECK(choose_opus(gstreamer) == 0u);
  const std::vector<RtpCodec> mono = {RtpCodec{96, "opus", 48000, 1, "", {}},
                                      RtpCodec{0, "PCMU", 8000, 0, "", {}}};
  CHECK_FALSE(choose_opus(mono));
}
