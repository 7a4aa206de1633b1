// Unit tests for reading WHEP offers: Chromium's and GStreamer's as captured, then offers that
// must be refused, each with its reason.
#include "protocol/webrtc/whep_offer.hpp"

#include <catch2/catch.hpp>

#include "sdp_fixtures.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

namespace {

const RtpCodec& codec(const OfferedMedia& media, uint8_t payload_type) {
  for (const RtpCodec& c : media.codecs)
    if (c.payload_type == payload_type) return c;
  FAIL("no payload type " << int(payload_type));
  throw std::logic_error("unreachable");
}

Error offer_refusal(std::string_view sdp) {
  const auto offer = read_whep_offer(sdp);
  REQUIRE_FALSE(offer);
  return offer.error();
}

}  // namespace

TEST_CASE("whep offer from Chromium gives its credentials, fingerprint and BUNDLE group") {
  const auto offer = read_whep_offer(chromium_offer());
  REQUIRE(offer);
  CHECK(offer->ice_ufrag == "vGnO");
  CHECK(offer->ice_pwd == "JBFycUZoMvKvIXocX2+CTUSk");
  REQUIRE(offer->fingerprints.size() == 1);
  CHECK(offer->fingerprints[0].algorithm == "sha-256");
  REQUIRE(offer->fingerprints[0].digest.size() == 32);
  CHECK(offer->fingerprints[0].digest.front() == 0x36);
  CHECK(offer->fingerprints[0].digest.back() == 0x26);
  CHECK(offer->setup == "actpass");
  CHECK(offer->bundle == std::vector<std::string>{"0", "1", "2"});
  REQUIRE(offer->media.size() == 3);
}

TEST_CASE("whep offer from Chromium lists every video payload type with its fmtp and feedback") {
  const auto offer = read_whep_offer(chromium_offer());
  REQUIRE(offer);
  const OfferedMedia& video = offer->media[0];
  CHECK(video.kind == "video");
  CHECK(video.mid == "0");
  CHECK(video.direction == MediaDirection::recvonly);
  CHECK(video.rtcp_mux);
  CHECK(video.offered());
  REQUIRE(video.codecs.size() == 34);
  CHECK(video.codecs.front().name == "VP8");  // the m-line's order, the browser's preference
  CHECK(video.codecs.back().name == "flexfec-03");
  const RtpCodec& h264 = codec(video, 108);
  CHECK(h264.name == "H264");
  CHECK(h264.clock_rate == 90000);
  CHECK(h264.fmtp == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  CHECK(h264.feedback ==
        std::vector<std::string>{"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"});
  CHECK(codec(video, 109).fmtp == "apt=108");
  CHECK(codec(video, 118).feedback.empty());
}

TEST_CASE("whep offer from Chromium gives Opus audio and the data channel's SCTP port") {
  const auto offer = read_whep_offer(chromium_offer());
  REQUIRE(offer);
  const OfferedMedia& audio = offer->media[1];
  CHECK(audio.kind == "audio");
  CHECK(audio.direction == MediaDirection::recvonly);
  const RtpCodec& opus = codec(audio, 111);
  CHECK(opus.name == "opus");
  CHECK(opus.clock_rate == 48000);
  CHECK(opus.channels == 2);
  CHECK(opus.fmtp == "minptime=10;useinbandfec=1");
  CHECK(codec(audio, 0).name == "PCMU");
  CHECK(codec(audio, 0).channels == 0);
  const OfferedMedia& data = offer->media[2];
  CHECK(data.is_datachannel());
  CHECK(data.mid == "2");
  CHECK(data.sctp_port == std::optional<uint16_t>(5000));
  CHECK(data.max_message_size == std::optional<uint64_t>(262144));
  CHECK(data.codecs.empty());
}

TEST_CASE("whep offer from GStreamer keeps its bundle-only m-lines offered despite port 0") {
  const auto offer = read_whep_offer(gstreamer_offer());
  REQUIRE(offer);
  CHECK(offer->ice_ufrag == "wUi02Ul1uLGsSW6M+3dVCB+JDA3QQ6uN");
  CHECK(offer->bundle == std::vector<std::string>{"video0", "audio1", "application2"});
  REQUIRE(offer->media.size() == 3);
  CHECK(offer->media[0].port == 9);
  CHECK(offer->media[1].port == 0);
  CHECK(offer->media[1].bundle_only);
  CHECK(offer->media[1].offered());
  CHECK(offer->media[1].codecs.at(0).name == "OPUS");
  CHECK(offer->media[0].codecs.at(0).fmtp == "packetization-mode=1;profile-level-id=42e01f");
  CHECK(offer->media[0].codecs.at(0).feedback ==
        std::vector<std::string>{"nack", "nack pli", "ccm fir", "transport-cc"});
  CHECK(offer->media[2].is_datachannel());
  CHECK_FALSE(offer->media[2].max_message_size);
}

TEST_CASE("whep offer takes session-level credentials and rtcp-fb for every payload type") {
  std::string sdp = replaced(kSmallOffer, "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n", "");
  sdp = replaced(sdp, "t=0 0\r\n", "t=0 0\r\na=ice-ufrag:sess\r\na=ice-pwd:sessionpasswordxxxxxxxx\r\n");
  sdp = replaced(sdp, "a=rtcp-fb:97 nack pli", "a=rtcp-fb:* nack");
  const auto offer = read_whep_offer(sdp);
  REQUIRE(offer);
  CHECK(offer->ice_ufrag == "sess");
  CHECK(offer->media[0].codecs.at(0).feedback == std::vector<std::string>{"nack"});
  CHECK(offer->media[0].codecs.at(1).feedback == std::vector<std::string>{"nack"});
}

TEST_CASE("whep offer takes transport attributes from the BUNDLE group's first m-line") {
  std::string sdp = replaced(kSmallOffer, "a=group:BUNDLE 0 1", "a=group:BUNDLE 1 0");
  sdp = replaced(
      sdp, "a=mid:1\r\n",
      "a=mid:1\r\na=ice-ufrag:efgh\r\na=ice-pwd:ABCDEFGHIJKLMNOPQRSTUV\r\na=fingerprint:sha-1 01:02\r\n");
  const auto offer = read_whep_offer(sdp);
  REQUIRE(offer);
  CHECK(offer->ice_ufrag == "efgh");
  CHECK(offer->ice_pwd == "ABCDEFGHIJKLMNOPQRSTUV");
  REQUIRE(offer->fingerprints.size() == 1);
  CHECK(offer->fingerprints[0].algorithm == "sha-1");
}

TEST_CASE("whep offer refuses what is not an SDP offer") {
  CHECK(offer_refusal("{\"type\":\"offer\",\"sdp\":\"v=0\"}").message ==
        "offer: sdp line 1: not <type>=<value>");
  CHECK(offer_refusal("hello").code == Errc::malformed);
  CHECK(offer_refusal("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n").message ==
        "offer has no m= lines");
  std::string big(kSmallOffer);
  while (big.size() <= 64 * 1024)
    big += "a=x-padding:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
  CHECK(offer_refusal(big).code == Errc::over_limit);
}

TEST_CASE("whep offer refuses missing or malformed ICE credentials") {
  const std::string no_ufrag = replaced(kSmallOffer, "a=ice-ufrag:abcd\r\n", "");
  CHECK(offer_refusal(no_ufrag).message == "offer has no a=ice-ufrag and a=ice-pwd");
  const std::string no_pwd = replaced(kSmallOffer, "a=ice-pwd:abcdefghijklmnopqrstuv\r\n", "");
  CHECK(offer_refusal(no_pwd).message == "offer has no a=ice-ufrag and a=ice-pwd");
  const std::string short_pwd =
      replaced(kSmallOffer, "a=ice-pwd:abcdefghijklmnopqrstuv", "a=ice-pwd:abcdefghijklmnopqrstu");
  CHECK(offer_refusal(short_pwd).message ==
        "offer's a=ice-ufrag or a=ice-pwd is not 4+ or 22+ ice-chars (RFC 8839 5.4)");
  const std::string bad_ufrag = replaced(kSmallOffer, "a=ice-ufrag:abcd", "a=ice-ufrag:ab;d");
  CHECK(offer_refusal(bad_ufrag).code == Errc::malformed);
}

TEST_CASE("whep offer refuses a missing or malformed fingerprint") {
  const std::string line =
      "a=fingerprint:sha-256 "
      "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\r\n";
  CHECK(offer_refusal(replaced(kSmallOffer, line, "")).message == "offer has no a=fingerprint");
  const std::string expected = "offer: a=fingerprint is not \"<hash> XX:XX:...\"";
  CHECK(offer_refusal(replaced(kSmallOffer, "00:01:02", "00:01:0")).message == expected);
  CHECK(offer_refusal(replaced(kSmallOffer, "00:01:02", "00:01:0G")).message == expected);
  CHECK(offer_refusal(replaced(kSmallOffer, "00:01:02", "00-01:02")).message == expected);
  CHECK(offer_refusal(replaced(kSmallOffer, line, "a=fingerprint:sha-256\r\n")).message == expected);
}

TEST_CASE("whep offer refuses to be the DTLS client and to pair with another lite agent") {
  const auto passive = offer_refusal(replaced(kSmallOffer, "a=setup:actpass", "a=setup:passive"));
  CHECK(passive.code == Errc::unsupported);
  CHECK(passive.message == "offer's a=setup:passive would make us the DTLS client; we only accept");
  CHECK(offer_refusal(replaced(kSmallOffer, "a=setup:actpass", "a=setup:holdconn")).code == Errc::malformed);
  const auto lite = offer_refusal(replaced(kSmallOffer, "t=0 0\r\n", "t=0 0\r\na=ice-lite\r\n"));
  CHECK(lite.code == Errc::unsupported);
  // a=setup:active is allowed: we are the DTLS server either way
  CHECK(read_whep_offer(replaced(kSmallOffer, "a=setup:actpass", "a=setup:active")));
}

TEST_CASE("whep fmtp parameters are found by case-insensitive key, spaces trimmed") {
  const std::string_view fmtp = "level-asymmetry-allowed=1; Packetization-Mode=1;profile-level-id=42e01f";
  CHECK(fmtp_parameter(fmtp, "packetization-mode") == "1");
  CHECK(fmtp_parameter(fmtp, "profile-level-id") == "42e01f");
  CHECK_FALSE(fmtp_parameter(fmtp, "sprop-parameter-sets"));
  CHECK_FALSE(fmtp_parameter("", "packetization-mode"));
  CHECK(fmtp_parameter("apt=96", "apt") == "96");
}
