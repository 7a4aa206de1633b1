// The dashboard's feed, with the admin token (401 without it):
//   GET /api/v1/history                  the server and every stream live in the last 10 minutes
//   GET /api/v1/streams/<name>/history   one stream
// both with an optional ?since=<seconds since the epoch> for only the samples after it. It also
// takes the samples, from the housekeeping timer.
#pragma once

#include <optional>
#include <string>

#include "server/api/process_stats.hpp"
#include "server/api/stats_api.hpp"
#include "server/api/stats_history.hpp"
#include "server/http/http_types.hpp"
#include "server/room/room_registry.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

class HistoryApi {
 public:
  HistoryApi(StreamRegistry& streams, RoomRegistry& rooms, StatsApi::CountConnections count_connections,
             std::string admin_token);

  // Called about once a second; samples everything once StatsHistory::kIntervalMs has passed.
  void tick(int64_t wall_ms, int64_t steady_ms);

  std::optional<HttpResponse> route(const HttpRequest& request) const;

  [[nodiscard]] const StatsHistory& history() const { return history_; }

 private:
  StreamRegistry& streams_;
  RoomRegistry& rooms_;
  StatsApi::CountConnections count_connections_;
  std::string admin_token_;
  CpuMeter cpu_;  // its own window: the stats API's readings must not shorten it
  StatsHistory history_;
  std::optional<int64_t> last_sample_steady_ms_;
};

}  // namespace liverelay
