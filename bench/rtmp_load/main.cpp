// rtmp_load: N RTMP players of one stream, and/or P publishers of one FLV file (copy mode, real
// time, looping), on one libuv loop, for S seconds; prints a JSON summary (first-frame times,
// frames per player, the publishers' pacing, errors) for bench/rtmp_play.py and bench/compare.py.
//   rtmp_load --url rtmp://127.0.0.1:1935/live/cam --players 100 --seconds 20
//   rtmp_load --url rtmp://127.0.0.1:1935/live/cam --publish 50 --flv sample.flv --seconds 30
// With --publish P > 1, publisher i publishes <stream>i (cam0, cam1, ...); players, if any, start
// once the first publisher is publishing and play its stream. SIGINT or SIGTERM ends the run early
// (the report is still printed).
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include <CLI/CLI.hpp>
#include <uv.h>

#include "flv_file.hpp"
#include "player.hpp"
#include "publisher.hpp"
#include "report.hpp"

namespace {

constexpr uint64_t kPaceIntervalMs = 5;

struct Run {
  liverelay::rtmp::Url url;
  rtmp_load::FlvFile file;
  int players = 0;
  double spread_ms = 0;  // publisher i connects at i * spread / P
  std::vector<std::unique_ptr<rtmp_load::Publisher>> publishers;
  std::vector<std::unique_ptr<rtmp_load::Player>> all_players;
  uint64_t started_ns = 0;
  size_t publishers_started = 0;
  std::optional<double> players_since_publish_ms;
  uv_timer_t pace{}, stop{};
  uv_signal_t interrupt{}, terminate{};
};

liverelay::rtmp::Url stream_url(const liverelay::rtmp::Url& base, size_t index, size_t count) {
  auto url = base;
  if (count > 1) url.stream_name += std::to_string(index);
  return url;
}

void start_players(Run& run, uv_loop_t* loop, const liverelay::rtmp::Url& url) {
  for (int i = 0; i < run.players; ++i) {
    run.all_players.push_back(std::make_unique<rtmp_load::Player>(loop, url, static_cast<uint64_t>(i) + 1));
    run.all_players.back()->start();
  }
}

// With publishers, the players play the first one's stream, from when it publishes, so their first
// frames can also be timed from the publish (the report's first_frame_since_publish_ms).
void start_players_after_publish(Run& run) {
  const auto& first = *run.publishers.front();
  run.players_since_publish_ms = static_cast<double>(uv_hrtime() - first.started_ns()) / 1e6;
  start_players(run, run.pace.loop, stream_url(run.url, 0, run.publishers.size()));
}

// Every 5 ms: connect the publishers whose turn has come, send what is due, start the players.
void on_pace(uv_timer_t* timer) {
  auto& run = *static_cast<Run*>(timer->data);
  const uint64_t now = uv_hrtime();
  const double elapsed_ms = static_cast<double>(now - run.started_ns) / 1e6;
  const size_t count = run.publishers.size();
  while (run.publishers_started < count &&
         elapsed_ms >= run.spread_ms * static_cast<double>(run.publishers_started) / static_cast<double>(count)) {
    run.publishers[run.publishers_started++]->start();
  }
  for (auto& publisher : run.publishers) publisher->pace(now);
  if (run.all_players.empty() && run.players > 0 && run.publishers.front()->publishing()) start_players_after_publish(run);
}

void close_handle(void* handle) { uv_close(static_cast<uv_handle_t*>(handle), nullptr); }

void stop_run(Run& run) {
  for (auto& publisher : run.publishers) publisher->stop();
  for (auto& player : run.all_players) player->stop();
  for (void* handle : {static_cast<void*>(&run.pace), static_cast<void*>(&run.stop), static_cast<void*>(&run.interrupt),
                       static_cast<void*>(&run.terminate)}) {
    if (!uv_is_closing(static_cast<uv_handle_t*>(handle))) close_handle(handle);
  }
}

void on_signal(uv_signal_t* handle, int) { stop_run(*static_cast<Run*>(handle->data)); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"RTMP load generator: players of one stream, publishers of one FLV file"};
  std::string url_text, flv_path;
  int players = -1, publishers = 0;
  double seconds = 20, spread_ms = 0;
  app.add_option("--url", url_text, "rtmp://host:port/app/stream")->required();
  app.add_option("--players", players, "players to start (default: 100, or 0 with --publish)")->check(CLI::Range(0, 20000));
  app.add_option("--publish", publishers, "publishers of --flv (stream names get an index when more than one)")
      ->check(CLI::Range(0, 5000));
  app.add_option("--flv", flv_path, "the FLV file to publish, in copy mode, looping");
  app.add_option("--spread-ms", spread_ms, "publisher i connects at i * spread / count ms")->check(CLI::Range(0.0, 60000.0));
  app.add_option("--seconds", seconds, "how long the run lasts")->check(CLI::Range(1.0, 3600.0));
  CLI11_PARSE(app, argc, argv);
  auto url = liverelay::rtmp::parse_url(url_text);
  if (!url) {
    std::fprintf(stderr, "rtmp_load: %s\n", url.error().message.c_str());
    return 2;
  }
  Run run;
  run.url = *url;
  run.spread_ms = spread_ms;
  run.players = players >= 0 ? players : (publishers > 0 ? 0 : 100);
  if (publishers > 0) {
    auto file = rtmp_load::read_flv_file(flv_path);
    if (!file) {
      std::fprintf(stderr, "rtmp_load: --flv: %s\n", file.error().message.c_str());
      return 2;
    }
    run.file = std::move(*file);
  }

  uv_loop_t* loop = uv_default_loop();
  for (int i = 0; i < publishers; ++i) {
    run.publishers.push_back(std::make_unique<rtmp_load::Publisher>(
        loop, stream_url(*url, static_cast<size_t>(i), static_cast<size_t>(publishers)), run.file, static_cast<uint64_t>(i) + 1));
  }
  run.started_ns = uv_hrtime();
  for (auto* timer : {&run.pace, &run.stop}) {
    uv_timer_init(loop, timer);
    timer->data = &run;
  }
  if (publishers > 0) {
    uv_timer_start(&run.pace, on_pace, 0, kPaceIntervalMs);
  } else {
    start_players(run, loop, *url);
  }
  uv_timer_start(&run.stop, [](uv_timer_t* timer) { stop_run(*static_cast<Run*>(timer->data)); },
                 static_cast<uint64_t>(seconds * 1000), 0);
  for (auto [handle, signal_number] : {std::pair{&run.interrupt, SIGINT}, std::pair{&run.terminate, SIGTERM}}) {
    uv_signal_init(loop, handle);
    handle->data = &run;
    uv_signal_start(handle, on_signal, signal_number);
  }
  uv_run(loop, UV_RUN_DEFAULT);

  auto report = rtmp_load::players_report(run.all_players, run.players_since_publish_ms);
  if (publishers > 0) {
    report["publish"] = rtmp_load::publishers_report(run.publishers, run.file,
                                                     static_cast<double>(uv_hrtime() - run.started_ns) / 1e9);
  }
  std::printf("%s\n", report.dump().c_str());
  return 0;
}
