// rtmp_load: N RTMP players of one stream for S seconds; prints a JSON summary (first-frame times,
// frames per player, errors) for bench/rtmp_play.py.
//   rtmp_load --url rtmp://127.0.0.1:1935/live/cam --players 100 --seconds 20
#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <uv.h>

#include "player.hpp"

namespace {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"RTMP players load generator"};
  std::string url_text;
  int players = 100;
  double seconds = 20;
  app.add_option("--url", url_text, "rtmp://host:port/app/stream")->required();
  app.add_option("--players", players, "players to start")->check(CLI::Range(1, 20000));
  app.add_option("--seconds", seconds, "how long they play")->check(CLI::Range(1.0, 3600.0));
  CLI11_PARSE(app, argc, argv);
  auto url = liverelay::rtmp::parse_url(url_text);
  if (!url) {
    std::fprintf(stderr, "rtmp_load: %s\n", url.error().message.c_str());
    return 2;
  }

  uv_loop_t* loop = uv_default_loop();
  std::vector<std::unique_ptr<rtmp_load::Player>> all;
  for (int i = 0; i < players; ++i) {
    all.push_back(std::make_unique<rtmp_load::Player>(loop, *url, static_cast<uint64_t>(i) + 1));
    all.back()->start();
  }
  uv_timer_t stop_timer;
  uv_timer_init(loop, &stop_timer);
  stop_timer.data = &all;
  uv_timer_start(
      &stop_timer,
      [](uv_timer_t* timer) {
        for (auto& player : *static_cast<std::vector<std::unique_ptr<rtmp_load::Player>>*>(timer->data)) player->stop();
        uv_close(reinterpret_cast<uv_handle_t*>(timer), nullptr);
      },
      static_cast<uint64_t>(seconds * 1000), 0);
  uv_run(loop, UV_RUN_DEFAULT);

  std::vector<double> first_frames;
  std::vector<double> frames;
  nlohmann::json errors = nlohmann::json::array();
  uint64_t bytes = 0;
  for (const auto& player : all) {
    const auto& f = player->figures();
    if (f.first_frame_ms) first_frames.push_back(*f.first_frame_ms);
    frames.push_back(static_cast<double>(f.video_frames));
    bytes += f.bytes;
    if (!f.error.empty() && errors.size() < 10) errors.push_back(f.error);
  }
  nlohmann::json report = {{"players", players},
                           {"playing", first_frames.size()},
                           {"first_frame_ms", {{"p50", percentile(first_frames, 0.5)}, {"p99", percentile(first_frames, 0.99)}}},
                           {"video_frames_per_player", {{"min", percentile(frames, 0)}, {"p50", percentile(frames, 0.5)}}},
                           {"bytes", bytes},
                           {"errors", errors}};
  std::printf("%s\n", report.dump().c_str());
  return 0;
}
