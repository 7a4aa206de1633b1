// split_route_path: <prefix><name>/<rest>, as the HLS, replay and API routes match it.
#include <catch2/catch.hpp>

#include "server/http/route_path.hpp"

using liverelay::split_route_path;

TEST_CASE("a path under the prefix splits at the first slash after the name") {
  const auto path = split_route_path("/live/cam1/index.m3u8", "/live/");
  REQUIRE(path);
  CHECK(path->name == "cam1");
  CHECK(path->rest == "index.m3u8");

  const auto deeper = split_route_path("/live/cam1/replay/7/index.m3u8", "/live/");
  REQUIRE(deeper);
  CHECK(deeper->name == "cam1");
  CHECK(deeper->rest == "replay/7/index.m3u8");
}

TEST_CASE("a path outside the prefix or with no slash after the name does not split") {
  CHECK_FALSE(split_route_path("/api/v1/streams/cam1", "/live/"));
  CHECK_FALSE(split_route_path("/live/cam1", "/live/"));
  CHECK_FALSE(split_route_path("/live", "/live/"));
  CHECK_FALSE(split_route_path("/api/v1/streams/kick", "/api/v1/streams/"));
}

TEST_CASE("an empty name or rest is left for the route to judge") {
  const auto no_name = split_route_path("/live//index.m3u8", "/live/");
  REQUIRE(no_name);
  CHECK(no_name->name.empty());
  CHECK(no_name->rest == "index.m3u8");

  const auto no_rest = split_route_path("/api/v1/streams/cam1/", "/api/v1/streams/");
  REQUIRE(no_rest);
  CHECK(no_rest->name == "cam1");
  CHECK(no_rest->rest.empty());
}
