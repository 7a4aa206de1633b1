// rtmp:// URL parsing: hosts, ports, the app/stream split, and what is refused.
#include <catch2/catch.hpp>

#include "protocol/rtmp/url.hpp"

using namespace liverelay;
using namespace liverelay::rtmp;

TEST_CASE("rtmp url splits host, default port, app and stream name") {
  auto url = parse_url("rtmp://a.rtmp.youtube.com/live2/abcd-efgh");
  REQUIRE(url);
  CHECK(url->host == "a.rtmp.youtube.com");
  CHECK(url->port == 1935);
  CHECK(url->app == "live2");
  CHECK(url->stream_name == "abcd-efgh");
  CHECK(url->tc_url() == "rtmp://a.rtmp.youtube.com:1935/live2");
}

TEST_CASE("rtmp url keeps a query and deeper paths in the stream name") {
  auto url = parse_url("rtmp://127.0.0.1:19350/live/key?token=x/y");
  REQUIRE(url);
  CHECK(url->host == "127.0.0.1");
  CHECK(url->port == 19350);
  CHECK(url->stream_name == "key?token=x/y");
}

TEST_CASE("rtmp url takes IPv6 hosts in brackets") {
  auto url = parse_url("rtmp://[::1]:1936/live/cam");
  REQUIRE(url);
  CHECK(url->host == "::1");
  CHECK(url->port == 1936);
  CHECK(url->tc_url() == "rtmp://[::1]:1936/live");
}

TEST_CASE("rtmp url hides the stream name when redacted") {
  auto url = parse_url("rtmp://live.twitch.tv/app/live_123_secret");
  REQUIRE(url);
  CHECK(url->redacted().find("secret") == std::string::npos);
  CHECK(url->redacted().starts_with("rtmp://live.twitch.tv:1935/app/"));
}

TEST_CASE("rtmp url refuses what it cannot connect to") {
  for (const char* bad : {"http://x/live/a", "rtmp://", "rtmp:///live/a", "rtmp://h/live", "rtmp://h/live/",
                          "rtmp://h//a", "rtmp://h:0/live/a", "rtmp://h:70000/live/a", "rtmp://h:x/live/a",
                          "rtmp://[::1/live/a", "rtmp://[::1]x/live/a"}) {
    INFO(bad);
    auto url = parse_url(bad);
    REQUIRE_FALSE(url);
    CHECK(url.error().code == Errc::malformed);
  }
  auto tls = parse_url("rtmps://h/live/a");
  REQUIRE_FALSE(tls);
  CHECK(tls.error().code == Errc::unsupported);
}
