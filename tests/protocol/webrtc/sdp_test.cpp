// Unit tests for the SDP syntax reader: real offers, line endings, and text that is not SDP.
#include "protocol/webrtc/sdp.hpp"

#include <catch2/catch.hpp>

#include "sdp_fixtures.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

TEST_CASE("sdp reads Chromium's offer into the session part and three media sections") {
  const auto session = parse_sdp(chromium_offer());
  REQUIRE(session);
  CHECK(session->attribute("group") == "BUNDLE 0 1 2");
  CHECK(session->has_attribute("extmap-allow-mixed"));
  REQUIRE(session->media.size() == 3);
  const SdpMediaSection& video = session->media[0];
  CHECK(video.media == "video");
  CHECK(video.port == 57268);
  CHECK(video.protocol == "UDP/TLS/RTP/SAVPF");
  CHECK(video.formats.size() == 34);
  CHECK(video.formats.front() == "96");
  CHECK(video.attributes_named("candidate").size() == 2);
  CHECK(video.attribute("fingerprint") ==
        "sha-256 "
        "36:5D:9E:91:9F:BE:4A:42:12:ED:C5:E2:ED:03:C7:45:AD:BC:CC:5C:4F:43:12:E7:82:BF:77:B7:ED:66:92:26");
  CHECK(session->media[1].port == 9);
  CHECK(session->media[2].formats == std::vector<std::string>{"webrtc-datachannel"});
  CHECK(session->media[2].attribute("sctp-port") == "5000");
}

TEST_CASE("sdp tells flag attributes from attributes with a value") {
  const auto session = parse_sdp("v=0\r\nm=video 9 RTP/AVP 96\r\na=recvonly\r\na=mid:\r\n");
  REQUIRE(session);
  const auto& attributes = session->media[0].attributes;
  REQUIRE(attributes.size() == 2);
  CHECK(attributes[0].name == "recvonly");
  CHECK_FALSE(attributes[0].has_value);
  CHECK(attributes[1].name == "mid");
  CHECK(attributes[1].has_value);
  CHECK(attributes[1].value.empty());
}

TEST_CASE("sdp reads bare LF line endings like CRLF") {
  std::string lf = chromium_offer();
  for (size_t at = lf.find("\r\n"); at != std::string::npos; at = lf.find("\r\n", at)) lf.erase(at, 1);
  const auto crlf_session = parse_sdp(chromium_offer());
  const auto lf_session = parse_sdp(lf);
  REQUIRE(lf_session);
  REQUIRE(lf_session->media.size() == crlf_session->media.size());
  for (size_t i = 0; i < lf_session->media.size(); ++i)
    CHECK(lf_session->media[i].attributes.size() == crlf_session->media[i].attributes.size());
  CHECK(lf_session->media[0].attribute("mid") == "0");
}

TEST_CASE("sdp refuses text that is not SDP") {
  const auto message = [](std::string_view text) { return parse_sdp(text).error().message; };
  CHECK(message("") == "sdp: empty");
  CHECK(message("{\"type\":\"offer\"}") == "sdp line 1: not <type>=<value>");
  CHECK(message("v=1\r\n") == "sdp: first line is not v=0");
  CHECK(message("o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n") == "sdp: first line is not v=0");
  CHECK(message("v=0\r\nhello\r\n") == "sdp line 2: not <type>=<value>");
  CHECK(message("v=0\r\nA=b\r\n") == "sdp line 2: not <type>=<value>");
  CHECK(message("v=0\r\na=\r\n") == "sdp line 2: empty a= line");
  CHECK(message("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF\r\n") ==
        "sdp line 2: m= line has no port, protocol or format");
  CHECK(message("v=0\r\nm=video nine RTP/AVP 96\r\n") ==
        "sdp line 2: m= line port \"nine\" is not a port number");
  CHECK(message("v=0\r\nm=video 65536 RTP/AVP 96\r\n") ==
        "sdp line 2: m= line port \"65536\" is not a port number");
}

TEST_CASE("sdp takes a port with a count of ports (RFC 8866 5.14)") {
  const auto session = parse_sdp("v=0\nm=audio 49170/2 RTP/AVP 0\n");
  REQUIRE(session);
  CHECK(session->media[0].port == 49170);
}

TEST_CASE("sdp refuses input over its size and m-section bounds") {
  std::string big = "v=0\r\n";
  while (big.size() <= kMaxSdpBytes) big += "a=x-filler:0123456789012345678901234567890123456789\r\n";
  const auto too_big = parse_sdp(big);
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().code == Errc::over_limit);

  std::string many = "v=0\r\n";
  for (size_t i = 0; i <= kMaxSdpMediaSections; ++i) many += "m=audio 9 RTP/AVP 0\r\n";
  const auto too_many = parse_sdp(many);
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == Errc::over_limit);
}
