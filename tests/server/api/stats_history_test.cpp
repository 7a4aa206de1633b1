// StatsHistory: ten minutes of samples at most, columns for uPlot, ?since, and which streams it keeps.
#include "server/api/stats_history.hpp"

#include <catch2/catch.hpp>

using namespace liverelay;

namespace {

constexpr int64_t kStart = 1'700'000'000'000;

StreamSample live(std::string name, double kbps, uint64_t viewers = 0) {
  return {std::move(name), true, kbps, 30.0, viewers, 0.0};
}
StreamSample offline(std::string name, uint64_t viewers = 0) { return {std::move(name), false, {}, {}, viewers, 0.0}; }

}  // namespace

TEST_CASE("the history holds every series as columns, t in seconds") {
  StatsHistory history;
  history.add(kStart, {12.34, 1000, 1, 2, 3}, {live("cam1", 2500.04, 4)});
  history.add(kStart + 2000, {5.0, 2000, 1, 2, 3}, {live("cam1", 2400, 5)});
  const auto json = history.to_json(std::nullopt);
  CHECK(json["server"]["t"] == nlohmann::json({1'700'000'000.0, 1'700'000'002.0}));
  CHECK(json["server"]["cpu_percent"] == nlohmann::json({12.3, 5.0}));
  CHECK(json["server"]["memory_bytes"] == nlohmann::json({1000, 2000}));
  CHECK(json["server"]["connections_websocket"] == nlohmann::json({3, 3}));
  REQUIRE(json["streams"].size() == 1);
  const auto& cam1 = json["streams"][0];
  CHECK(cam1["name"] == "cam1");
  CHECK(cam1["live"] == true);
  CHECK(cam1["bitrate_kbps"] == nlohmann::json({2500.0, 2400.0}));
  CHECK(cam1["fps"] == nlohmann::json({30.0, 30.0}));
  CHECK(cam1["viewers"] == nlohmann::json({4, 5}));
  CHECK(cam1["t"].size() == cam1["comments_per_minute"].size());
}

TEST_CASE("since returns only the samples after it") {
  StatsHistory history;
  for (int i = 0; i < 5; ++i) history.add(kStart + i * 2000, {}, {live("cam1", 100.0 * i)});
  const auto json = history.to_json(1'700'000'004.0);
  CHECK(json["server"]["t"] == nlohmann::json({1'700'000'006.0, 1'700'000'008.0}));
  CHECK(json["streams"][0]["bitrate_kbps"] == nlohmann::json({300.0, 400.0}));
  CHECK(history.stream_json("cam1", 1'700'000'006.0)->at("t") == nlohmann::json({1'700'000'008.0}));
  CHECK_FALSE(history.stream_json("cam2", std::nullopt));
}

TEST_CASE("the history keeps ten minutes of samples and no more") {
  StatsHistory history;
  const size_t added = StatsHistory::kMaxSamples + 50;
  for (size_t i = 0; i < added; ++i) history.add(kStart + static_cast<int64_t>(i) * 2000, {}, {live("cam1", 1)});
  const auto json = history.to_json(std::nullopt);
  CHECK(json["server"]["t"].size() == StatsHistory::kMaxSamples);
  CHECK(json["streams"][0]["t"].size() == StatsHistory::kMaxSamples);
  CHECK(json["server"]["t"][0] == static_cast<double>(kStart + 50 * 2000) / 1000.0);
}

TEST_CASE("an offline stream has gaps for ingest and stays until ten minutes after it was live") {
  StatsHistory history;
  history.add(kStart, {}, {offline("never-live", 3)});
  CHECK(history.stream_count() == 0);

  history.add(kStart, {}, {live("cam1", 2000)});
  history.add(kStart + 2000, {}, {offline("cam1", 2)});
  const auto json = history.stream_json("cam1", std::nullopt);
  REQUIRE(json);
  CHECK((*json)["live"] == false);
  CHECK((*json)["bitrate_kbps"] == nlohmann::json({2000.0, nullptr}));
  CHECK((*json)["fps"][1].is_null());
  CHECK((*json)["viewers"] == nlohmann::json({0, 2}));

  history.add(kStart + StatsHistory::kWindowMs, {}, {offline("cam1")});
  CHECK(history.stream_count() == 1);
  history.add(kStart + StatsHistory::kWindowMs + 2000, {}, {offline("cam1")});
  CHECK(history.stream_count() == 0);
}

TEST_CASE("a stream the registry no longer knows leaves the history") {
  StatsHistory history;
  history.add(kStart, {}, {live("a", 1), live("b", 1)});
  history.add(kStart + 2000, {}, {live("b", 1)});
  const auto json = history.to_json(std::nullopt);
  REQUIRE(json["streams"].size() == 1);
  CHECK(json["streams"][0]["name"] == "b");
}
