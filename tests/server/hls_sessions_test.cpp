// HlsSessions: players polling playlists count per stream until they stop polling.
#include <catch2/catch.hpp>

#include "server/hls/hls_sessions.hpp"

using liverelay::HlsSessions;

TEST_CASE("a player polling the playlist counts once however often it polls") {
  HlsSessions sessions(15'000);
  for (int64_t t = 0; t < 10'000; t += 2'000) sessions.on_playlist_request("cam", "10.0.0.1", "VLC/3.0", t);
  CHECK(sessions.count("cam", 10'000) == 1);
  CHECK(sessions.count("other", 10'000) == 0);
}

TEST_CASE("players differ by address or by user agent") {
  HlsSessions sessions;
  sessions.on_playlist_request("cam", "10.0.0.1", "VLC/3.0", 0);
  sessions.on_playlist_request("cam", "10.0.0.1", "AppleCoreMedia/1.0", 0);
  sessions.on_playlist_request("cam", "10.0.0.2", "VLC/3.0", 0);
  sessions.on_playlist_request("cam2", "10.0.0.2", "VLC/3.0", 0);
  CHECK(sessions.count("cam", 1) == 3);
  CHECK(sessions.count("cam2", 1) == 1);
}

TEST_CASE("a player that stops polling stops counting after the expiry") {
  HlsSessions sessions(15'000);
  sessions.on_playlist_request("cam", "10.0.0.1", "ffplay", 0);
  CHECK(sessions.count("cam", 14'999) == 1);
  CHECK(sessions.count("cam", 15'000) == 0);
  sessions.expire(15'000);
  CHECK(sessions.count("cam", 0) == 0);
}
