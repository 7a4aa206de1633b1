// StatsHistory: bounded rings per stream and for the server, rendered as columns.
#include "server/api/stats_history.hpp"

#include <cmath>
#include <set>

namespace liverelay {
namespace {

double seconds(int64_t wall_ms) { return static_cast<double>(wall_ms) / 1000.0; }

// One decimal is all a plot shows; it keeps ten minutes of JSON small.
double tenths(double value) { return std::round(value * 10.0) / 10.0; }

nlohmann::json optional_number(const std::optional<double>& value) {
  return value ? nlohmann::json(tenths(*value)) : nlohmann::json(nullptr);
}

template <typename Sample>
bool after(const Sample& sample, std::optional<double> since_s) {
  return !since_s || seconds(sample.wall_ms) > *since_s;
}

}  // namespace

void StatsHistory::add(int64_t wall_ms, const ServerSample& server, const std::vector<StreamSample>& streams) {
  server_.push_back({wall_ms, server});
  while (server_.size() > kMaxSamples) server_.pop_front();

  std::set<std::string, std::less<>> seen;
  for (const StreamSample& sample : streams) {
    seen.insert(sample.name);
    auto ring = streams_.find(sample.name);
    if (ring == streams_.end()) {
      if (!sample.live) continue;  // an offline name enters the history only by going live
      ring = streams_.emplace(sample.name, StreamRing{}).first;
    }
    if (sample.live) ring->second.last_live_ms = wall_ms;
    ring->second.samples.push_back({wall_ms, sample});
    while (ring->second.samples.size() > kMaxSamples) ring->second.samples.pop_front();
  }
  std::erase_if(streams_, [&](const auto& entry) {
    return !seen.contains(entry.first) || wall_ms - entry.second.last_live_ms > kWindowMs;
  });
}

nlohmann::json StatsHistory::ring_json(const StreamRing& ring, std::optional<double> since_s) {
  nlohmann::json t = nlohmann::json::array(), bitrate = nlohmann::json::array(), fps = nlohmann::json::array(),
                 viewers = nlohmann::json::array(), comments = nlohmann::json::array();
  for (const TimedStreamSample& timed : ring.samples) {
    if (!after(timed, since_s)) continue;
    t.push_back(seconds(timed.wall_ms));
    bitrate.push_back(optional_number(timed.sample.bitrate_kbps));
    fps.push_back(optional_number(timed.sample.fps));
    viewers.push_back(timed.sample.viewers);
    comments.push_back(tenths(timed.sample.comments_per_minute));
  }
  const bool live = !ring.samples.empty() && ring.samples.back().sample.live;
  return {{"name", ring.samples.empty() ? "" : ring.samples.back().sample.name},
          {"live", live},
          {"t", std::move(t)},
          {"bitrate_kbps", std::move(bitrate)},
          {"fps", std::move(fps)},
          {"viewers", std::move(viewers)},
          {"comments_per_minute", std::move(comments)}};
}

nlohmann::json StatsHistory::to_json(std::optional<double> since_s) const {
  nlohmann::json t = nlohmann::json::array(), cpu = nlohmann::json::array(), memory = nlohmann::json::array(),
                 rtmp = nlohmann::json::array(), http = nlohmann::json::array(), websocket = nlohmann::json::array();
  for (const TimedServerSample& timed : server_) {
    if (!after(timed, since_s)) continue;
    t.push_back(seconds(timed.wall_ms));
    cpu.push_back(tenths(timed.sample.cpu_percent));
    memory.push_back(timed.sample.memory_bytes);
    rtmp.push_back(timed.sample.rtmp_connections);
    http.push_back(timed.sample.http_connections);
    websocket.push_back(timed.sample.websocket_connections);
  }
  nlohmann::json streams = nlohmann::json::array();
  for (const auto& [name, ring] : streams_) streams.push_back(ring_json(ring, since_s));
  return {{"interval_s", seconds(kIntervalMs)},
          {"window_s", seconds(kWindowMs)},
          {"server",
           {{"t", std::move(t)},
            {"cpu_percent", std::move(cpu)},
            {"memory_bytes", std::move(memory)},
            {"connections_rtmp", std::move(rtmp)},
            {"connections_http", std::move(http)},
            {"connections_websocket", std::move(websocket)}}},
          {"streams", std::move(streams)}};
}

std::optional<nlohmann::json> StatsHistory::stream_json(const std::string& name, std::optional<double> since_s) const {
  auto ring = streams_.find(name);
  if (ring == streams_.end()) return std::nullopt;
  return ring_json(ring->second, since_s);
}

}  // namespace liverelay
