// Tests for request targets: decoding, and refusing every path-traversal form.
#include "protocol/http/request_target.hpp"

#include <catch2/catch.hpp>

using liverelay::http::parse_request_target;
using liverelay::http::query_value;

TEST_CASE("request target splits and decodes the path and keeps the query raw", "[http]") {
  auto target = parse_request_target("/live/my%20cam/index.m3u8?_HLS_msn=3&_HLS_part=1");
  REQUIRE(target);
  CHECK(target->path == "/live/my cam/index.m3u8");
  CHECK(target->query == "_HLS_msn=3&_HLS_part=1");
  CHECK(parse_request_target("/")->path == "/");
  CHECK(parse_request_target("/live/a/")->path == "/live/a/");
  CHECK(parse_request_target("http://example.com/live/a?x=1")->path == "/live/a");
  CHECK(parse_request_target("/%252e%252e/x")->path == "/%2e%2e/x");  // decoded once only
}

TEST_CASE("request target refuses traversal, encoded separators and bad escapes", "[http]") {
  const char* bad[] = {"/../etc/passwd", "/live/../x",  "/live/%2e%2e/x", "/live/%2E%2e", "/a/./b",
                       "/a/%2e/b",       "/a%2fb",      "/a%5cb",         "/a%00b",       "/a%zz",
                       "/a%2",           "relative/x",  "",               "*"};
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(parse_request_target(text));
  }
}

TEST_CASE("query values are found and decoded", "[http]") {
  CHECK(query_value("a=1&_HLS_msn=12&b", "_HLS_msn").value == "12");
  CHECK(query_value("a=1&b", "b").found);
  CHECK_FALSE(query_value("a=1", "c").found);
  CHECK(query_value("t=x%2By+z", "t").value == "x+y z");
}
