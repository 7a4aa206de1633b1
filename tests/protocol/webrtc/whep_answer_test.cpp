// Unit tests for WHEP answers: Chromium's offer answered line for line, GStreamer's bundle-only
// m-lines, and the offers that get a refusal or port-0 m-lines instead.
#include "protocol/webrtc/whep_answer.hpp"

#include <catch2/catch.hpp>

#include "protocol/webrtc/sdp.hpp"
#include "sdp_fixtures.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

namespace {

const std::string kOurFingerprint =
    "5A:8D:9C:63:E8:17:3C:5E:22:17:8D:01:62:0C:86:A0:40:CE:49:A2:66:E4:79:3B:C0:AF:57:D9:1C:8A:04:35";

WhepAnswerOptions options() {
  WhepAnswerOptions o;
  o.ice_ufrag = "Srv8ufrg";
  o.ice_pwd = "ServerPasswordOf32CharactersXyz0";
  o.fingerprint_sha256 = kOurFingerprint;
  o.candidates = {{"192.0.2.1", 8189}, {"2001:db8::1", 8189}};
  o.h264_profile_level_id = "640028";
  o.video_ssrc = 1111;
  o.audio_ssrc = 2222;
  o.cname = "lrcname";
  o.stream_id = "cam1";
  o.session_id = 4242;
  return o;
}

WhepAnswer answer(std::string_view sdp, const WhepAnswerOptions& o = options()) {
  const auto offer = read_whep_offer(sdp);
  REQUIRE(offer);
  auto built = build_whep_answer(*offer, o);
  REQUIRE(built);
  return *built;
}

Error answer_refusal(std::string_view sdp, const WhepAnswerOptions& o = options()) {
  const auto offer = read_whep_offer(sdp);
  REQUIRE(offer);
  const auto built = build_whep_answer(*offer, o);
  REQUIRE_FALSE(built);
  return built.error();
}

}  // namespace

TEST_CASE("whep answer to Chromium's offer matches the expected text line for line") {
  const std::string transport =
      "c=IN IP4 0.0.0.0\r\n"
      "a=mid:{mid}\r\n"
      "a=ice-ufrag:Srv8ufrg\r\n"
      "a=ice-pwd:ServerPasswordOf32CharactersXyz0\r\n"
      "a=fingerprint:sha-256 " +
      kOurFingerprint +
      "\r\n"
      "a=setup:passive\r\n";
  const std::string candidates =
      "a=candidate:1 1 udp 2130706431 192.0.2.1 8189 typ host\r\n"
      "a=candidate:2 1 udp 2130706175 2001:db8::1 8189 typ host\r\n"
      "a=end-of-candidates\r\n";
  const std::string expected =
      "v=0\r\n"
      "o=- 4242 1 IN IP4 0.0.0.0\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "a=group:BUNDLE 0 1 2\r\n"
      "a=ice-lite\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 108\r\n" +
      replaced(transport, "{mid}", "0") +
      "a=sendonly\r\n"
      "a=rtcp-mux\r\n"
      "a=rtpmap:108 H264/90000\r\n"
      "a=rtcp-fb:108 nack\r\n"
      "a=rtcp-fb:108 nack pli\r\n"
      "a=rtcp-fb:108 ccm fir\r\n"
      "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
      "a=msid:cam1 video\r\n"
      "a=ssrc:1111 cname:lrcname\r\n"
      "a=ssrc:1111 msid:cam1 video\r\n" +
      candidates + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + replaced(transport, "{mid}", "1") +
      "a=sendonly\r\n"
      "a=rtcp-mux\r\n"
      "a=rtpmap:111 opus/48000/2\r\n"
      "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
      "a=msid:cam1 audio\r\n"
      "a=ssrc:2222 cname:lrcname\r\n"
      "a=ssrc:2222 msid:cam1 audio\r\n" +
      candidates + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" +
      replaced(transport, "{mid}", "2") +
      "a=sctp-port:5000\r\n"
      "a=max-message-size:262144\r\n" +
      candidates;
  CHECK(answer(chromium_offer()).sdp == expected);
}

TEST_CASE("whep answer to Chromium's offer says what the session needs") {
  const WhepAnswer a = answer(chromium_offer());
  CHECK(a.remote_ufrag == "vGnO");
  CHECK(a.remote_pwd == "JBFycUZoMvKvIXocX2+CTUSk");
  REQUIRE(a.remote_fingerprints.size() == 1);
  CHECK(a.remote_fingerprints[0].digest.size() == 32);
  REQUIRE(a.video);
  CHECK(a.video->mid == "0");
  CHECK(a.video->payload_type == 108);
  CHECK(a.video->profile_level_id == "42e01f");
  CHECK(a.video->nack);
  CHECK(a.video->pli);
  CHECK(a.video->fir);
  REQUIRE(a.audio);
  CHECK(a.audio->mid == "1");
  CHECK(a.audio->payload_type == 111);
  REQUIRE(a.data_channel);
  CHECK(a.data_channel->mid == "2");
  CHECK(a.data_channel->sctp_port == 5000);
  CHECK(a.data_channel->remote_max_message_size == 262144);
}

TEST_CASE("whep answer is SDP our own reader takes, with the same mids in the same order") {
  for (const std::string& offer : {chromium_offer(), gstreamer_offer(), std::string(kSmallOffer)}) {
    const auto parsed_offer = parse_sdp(offer);
    const auto parsed_answer = parse_sdp(answer(offer).sdp);
    REQUIRE(parsed_answer);
    REQUIRE(parsed_answer->media.size() == parsed_offer->media.size());
    for (size_t i = 0; i < parsed_answer->media.size(); ++i) {
      CHECK(parsed_answer->media[i].media == parsed_offer->media[i].media);
      CHECK(parsed_answer->media[i].protocol == parsed_offer->media[i].protocol);
      CHECK(parsed_answer->media[i].attribute("mid") == parsed_offer->media[i].attribute("mid"));
    }
  }
}

TEST_CASE("whep answer to GStreamer accepts its bundle-only audio and data channel") {
  const WhepAnswer a = answer(gstreamer_offer());
  const auto parsed = parse_sdp(a.sdp);
  REQUIRE(parsed);
  CHECK(parsed->attribute("group") == "BUNDLE video0 audio1 application2");
  REQUIRE(parsed->media.size() == 3);
  for (const auto& section : parsed->media) CHECK(section.port == 9);
  REQUIRE(a.video);
  CHECK(a.video->payload_type == 96);
  CHECK(a.video->profile_level_id == "42e01f");
  CHECK((a.video->nack && a.video->pli && a.video->fir));
  REQUIRE(a.audio);
  CHECK(a.audio->payload_type == 97);
  CHECK(parsed->media[1].attribute("rtpmap") == "97 opus/48000/2");
  REQUIRE(a.data_channel);
  CHECK(a.data_channel->remote_max_message_size == 65536);
  CHECK(parsed->media[2].attribute("max-message-size") == "262144");
  CHECK(a.remote_ufrag == "wUi02Ul1uLGsSW6M+3dVCB+JDA3QQ6uN");
}

TEST_CASE("whep answer keeps only the rtcp-fb kinds the offer has") {
  const WhepAnswer a = answer(kSmallOffer);
  REQUIRE(a.video);
  CHECK_FALSE(a.video->nack);
  CHECK(a.video->pli);
  CHECK_FALSE(a.video->fir);
  const auto parsed = parse_sdp(a.sdp);
  CHECK(parsed->media[0].attributes_named("rtcp-fb") == std::vector<std::string_view>{"97 nack pli"});
}

TEST_CASE("whep answer gives port 0 to audio when the stream has none") {
  WhepAnswerOptions o = options();
  o.audio = false;
  const WhepAnswer a = answer(kSmallOffer, o);
  CHECK_FALSE(a.audio);
  const auto parsed = parse_sdp(a.sdp);
  CHECK(parsed->attribute("group") == "BUNDLE 0");
  REQUIRE(parsed->media.size() == 2);
  CHECK(parsed->media[1].port == 0);
  CHECK(parsed->media[1].formats == std::vector<std::string>{"111"});
  CHECK(parsed->media[1].attribute("mid") == "1");
  CHECK_FALSE(parsed->media[1].has_attribute("ice-ufrag"));
}

TEST_CASE("whep answer gives port 0 to a second video, audio without Opus, and m-lines outside BUNDLE") {
  SECTION("second video m-line") {
    const std::string sdp = replaced(kSmallOffer, "m=audio",
                                     "m=video 9 UDP/TLS/RTP/SAVPF 97\r\na=mid:v2\r\n"
                                     "a=recvonly\r\na=rtcp-mux\r\na=rtpmap:97 H264/90000\r\n"
                                     "a=fmtp:97 packetization-mode=1\r\nm=audio");
    const auto parsed = parse_sdp(answer(replaced(sdp, "BUNDLE 0 1", "BUNDLE 0 v2 1")).sdp);
    CHECK(parsed->attribute("group") == "BUNDLE 0 1");
    CHECK(parsed->media[1].port == 0);
    CHECK(parsed->media[1].attribute("mid") == "v2");
    CHECK(parsed->media[2].port == 9);
  }
  SECTION("audio offering only PCMU") {
    const std::string sdp = replaced(replaced(kSmallOffer, "RTP/SAVPF 111", "RTP/SAVPF 0"),
                                     "a=rtpmap:111 opus/48000/2", "a=rtpmap:0 PCMU/8000");
    const WhepAnswer a = answer(sdp);
    CHECK_FALSE(a.audio);
    CHECK(parse_sdp(a.sdp)->media[1].port == 0);
  }
  SECTION("audio outside the BUNDLE group") {
    const WhepAnswer a = answer(replaced(kSmallOffer, "BUNDLE 0 1", "BUNDLE 0"));
    CHECK_FALSE(a.audio);
    CHECK(parse_sdp(a.sdp)->media[1].port == 0);
  }
  SECTION("audio the offerer rejected") {
    const WhepAnswer a = answer(replaced(kSmallOffer, "m=audio 9", "m=audio 0"));
    CHECK_FALSE(a.audio);
    CHECK(parse_sdp(a.sdp)->media[1].port == 0);
  }
}

TEST_CASE("whep answer without BUNDLE serves a lone video m-line") {
  const std::string sdp =
      replaced(kSmallOffer.substr(0, kSmallOffer.find("m=audio")), "a=group:BUNDLE 0 1\r\n", "");
  const WhepAnswer a = answer(sdp);
  REQUIRE(a.video);
  CHECK_FALSE(parse_sdp(a.sdp)->has_attribute("group"));
}

TEST_CASE("whep answer refuses an offer without H.264 packetization-mode 1, saying why") {
  const auto vp8_only = answer_refusal(replaced(kSmallOffer, "packetization-mode=1", "packetization-mode=0"));
  CHECK(vp8_only.code == Errc::unsupported);
  CHECK(vp8_only.message ==
        "offer has no video m-line for H.264 with packetization-mode=1 (m-line 0: no H.264 with "
        "packetization-mode=1)");
  CHECK(answer_refusal(replaced(kSmallOffer, "a=recvonly", "a=sendonly")).message ==
        "offer has no video m-line for H.264 with packetization-mode=1 (m-line 0: does not receive)");
  CHECK(answer_refusal(replaced(kSmallOffer, "a=rtcp-mux\r\n", "")).message ==
        "offer has no video m-line for H.264 with packetization-mode=1 (m-line 0: no a=rtcp-mux)");
  CHECK(answer_refusal(replaced(kSmallOffer, "m=video 9 UDP/TLS/RTP/SAVPF", "m=video 9 RTP/AVP")).message ==
        "offer has no video m-line for H.264 with packetization-mode=1 (m-line 0: protocol RTP/AVP is not "
        "UDP/TLS/RTP/SAVPF)");
  const std::string audio_only = "v=0\r\n" + std::string(kSmallOffer.substr(kSmallOffer.find("m=audio"))) +
                                 "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\n"
                                 "a=fingerprint:sha-256 00:01\r\n";
  CHECK(answer_refusal(audio_only).message ==
        "offer has no video m-line for H.264 with packetization-mode=1");
}

TEST_CASE("whep answer refuses several m-lines without a BUNDLE group") {
  const auto error = answer_refusal(replaced(kSmallOffer, "a=group:BUNDLE 0 1\r\n", ""));
  CHECK(error.code == Errc::unsupported);
  CHECK(error.message ==
        "offer has several m-lines and no a=group:BUNDLE; one transport per session (RFC 9143)");
}

TEST_CASE("whep answer to a Firefox-shaped offer: session-level fingerprint, fmtp before rtpmap, mode 1 H.264") {
  const WhepAnswer a = answer(firefox_offer());
  CHECK(a.remote_ufrag == "3c8f1a2e");
  REQUIRE(a.remote_fingerprints.size() == 1);
  CHECK(a.remote_fingerprints[0].digest.front() == 0xF0);
  REQUIRE(a.video);
  CHECK(a.video->payload_type == 126);  // 97 is packetization-mode 0: single NAL units only
  CHECK(a.video->nack);
  CHECK(a.video->pli);
  REQUIRE(a.audio);
  CHECK(a.audio->payload_type == 109);
  REQUIRE(a.data_channel);
  CHECK(a.data_channel->remote_max_message_size == 1073741823);
  CHECK(a.sdp.find("a=rtpmap:126 H264/90000") != std::string::npos);
  CHECK(a.sdp.find("m=application 9 UDP/DTLS/SCTP webrtc-datachannel") != std::string::npos);
}

TEST_CASE("whep answer to a Safari-shaped offer picks the H.264 payload type of the stream's profile") {
  const WhepAnswer high = answer(safari_offer());  // options(): a High 4.0 stream
  REQUIRE(high.video);
  CHECK(high.video->payload_type == 96);  // 640c1f: the same profile_idc
  WhepAnswerOptions baseline = options();
  baseline.h264_profile_level_id = "42e01f";
  const WhepAnswer constrained = answer(safari_offer(), baseline);
  REQUIRE(constrained.video);
  CHECK(constrained.video->payload_type == 98);
  REQUIRE(high.audio);
  CHECK(high.audio->payload_type == 111);
  REQUIRE(high.data_channel);
  CHECK(high.data_channel->remote_max_message_size == 262144);
  // Every other video codec is simply not answered: only the chosen payload type is in the m-line.
  CHECK(high.sdp.find("H265") == std::string::npos);
}
