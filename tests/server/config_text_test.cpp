// Config from memory (what the config fuzz target feeds) and a file that cannot be read.
#include <catch2/catch.hpp>

#include "server/config/config.hpp"

using namespace liverelay;

TEST_CASE("config text in memory is read like a file and its errors name the given path and line") {
  auto config = parse_config_text("[server]\nrtmp = \"127.0.0.1:1936\"\n", "inline.toml");
  REQUIRE(config);
  CHECK(config->rtmp == Endpoint{"127.0.0.1", 1936});

  auto bad = parse_config_text("[server]\n\nrtmp = 5\n", "inline.toml");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::StartsWith("inline.toml:3"));

  auto broken = parse_config_text("[server\n", "inline.toml");
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.error().message, Catch::StartsWith("inline.toml:1"));
}

TEST_CASE("a config file that cannot be read is an io error naming it") {
  auto missing = load_config_file("/nonexistent/liverelay.toml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::io);
  CHECK_THAT(missing.error().message, Catch::Contains("/nonexistent/liverelay.toml"));
}
