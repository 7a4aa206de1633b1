// The last ten minutes of figures, sampled every two seconds: per stream its ingest bitrate,
// fps, viewers and comments per minute; for the server its CPU, memory and connections. The
// dashboard draws them the moment it opens instead of starting from an empty plot.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace liverelay {

struct StreamSample {
  std::string name;
  bool live = false;
  std::optional<double> bitrate_kbps;  // live only
  std::optional<double> fps;           // live only
  uint64_t viewers = 0;
  double comments_per_minute = 0;
};

struct ServerSample {
  double cpu_percent = 0;
  uint64_t memory_bytes = 0;
  uint64_t rtmp_connections = 0;
  uint64_t http_connections = 0;
  uint64_t websocket_connections = 0;
};

class StatsHistory {
 public:
  static constexpr int64_t kIntervalMs = 2'000;
  static constexpr int64_t kWindowMs = 600'000;
  static constexpr size_t kMaxSamples = kWindowMs / kIntervalMs;

  // Adds one sample of everything at `wall_ms`. A stream is kept while it has been live within
  // the window: offline names that nobody published for ten minutes drop out.
  void add(int64_t wall_ms, const ServerSample& server, const std::vector<StreamSample>& streams);

  // Columns ready for uPlot ({"t":[...], "<series>":[...]}), `t` in seconds since the epoch;
  // only samples after `since_s` when given (the dashboard asks for what it has not seen yet).
  [[nodiscard]] nlohmann::json to_json(std::optional<double> since_s) const;
  // One stream's columns, or nullopt when it is not in the history.
  [[nodiscard]] std::optional<nlohmann::json> stream_json(const std::string& name, std::optional<double> since_s) const;

  [[nodiscard]] size_t stream_count() const { return streams_.size(); }

 private:
  struct TimedServerSample {
    int64_t wall_ms;
    ServerSample sample;
  };
  struct TimedStreamSample {
    int64_t wall_ms;
    StreamSample sample;
  };
  struct StreamRing {
    std::deque<TimedStreamSample> samples;
    int64_t last_live_ms = 0;
  };

  [[nodiscard]] static nlohmann::json ring_json(const StreamRing& ring, std::optional<double> since_s);

  std::deque<TimedServerSample> server_;
  std::map<std::string, StreamRing, std::less<>> streams_;
};

}  // namespace liverelay
