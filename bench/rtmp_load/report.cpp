// rtmp_load's report: nearest-rank percentiles over players and publishers.
#include "report.hpp"

#include <algorithm>

namespace rtmp_load {
namespace {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

nlohmann::json spread(const std::vector<double>& values) {
  return {{"p50", percentile(values, 0.5)}, {"p99", percentile(values, 0.99)}, {"max", percentile(values, 1)}};
}

// A few examples are enough: a run's failures are mostly one error repeated by every client.
void note_error(nlohmann::json& errors, const std::string& error) {
  constexpr size_t kMaxErrors = 10;
  if (!error.empty() && errors.size() < kMaxErrors) errors.push_back(error);
}

}  // namespace

nlohmann::json players_report(const std::vector<std::unique_ptr<Player>>& players,
                              std::optional<double> since_publish_ms) {
  std::vector<double> first_frames, frames;
  nlohmann::json errors = nlohmann::json::array();
  uint64_t bytes = 0;
  for (const auto& player : players) {
    const auto& f = player->figures();
    if (f.first_frame_ms) first_frames.push_back(*f.first_frame_ms);
    frames.push_back(static_cast<double>(f.video_frames));
    bytes += f.bytes;
    note_error(errors, f.error);
  }
  nlohmann::json report = {{"players", players.size()},
                           {"playing", first_frames.size()},
                           {"first_frame_ms", {{"p50", percentile(first_frames, 0.5)}, {"p99", percentile(first_frames, 0.99)}}},
                           {"video_frames_per_player", {{"min", percentile(frames, 0)}, {"p50", percentile(frames, 0.5)}}},
                           {"bytes", bytes},
                           {"errors", errors}};
  if (since_publish_ms && !first_frames.empty()) {
    for (auto& value : first_frames) value += *since_publish_ms;
    report["first_frame_since_publish_ms"] = spread(first_frames);
    report["players_started_after_publish_ms"] = *since_publish_ms;
  }
  return report;
}

nlohmann::json publishers_report(const std::vector<std::unique_ptr<Publisher>>& publishers, const FlvFile& file,
                                 double seconds) {
  std::vector<double> start_ms, late_ms, queued;
  uint64_t tags = 0, bytes = 0;
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& publisher : publishers) {
    const auto& f = publisher->figures();
    if (f.publish_start_ms) start_ms.push_back(*f.publish_start_ms);
    late_ms.push_back(f.max_late_ms);
    queued.push_back(static_cast<double>(f.max_queued_bytes));
    tags += f.tags_sent;
    bytes += f.media_bytes_sent;
    note_error(errors, f.error);
  }
  const double file_mbps = static_cast<double>(file.media_bytes) * 8 / 1000.0 / file.loop_ms;
  return {{"publishers", publishers.size()},
          {"published", start_ms.size()},
          {"publish_start_ms", spread(start_ms)},
          {"tags_sent", tags},
          {"media_bytes_sent", bytes},
          {"file_mbps", file_mbps},
          {"max_late_ms", spread(late_ms)},
          {"max_queued_bytes", spread(queued)},
          {"seconds", seconds},
          {"errors", errors}};
}

}  // namespace rtmp_load
