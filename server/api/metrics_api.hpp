// GET /metrics: the server's and every stream's figures in the Prometheus text format.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "server/api/prometheus_text.hpp"
#include "server/api/stats_api.hpp"
#include "server/http/http_types.hpp"
#include "server/room/room_registry.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

class MetricsApi {
 public:
  MetricsApi(StreamRegistry& registry, RoomRegistry& rooms, StatsApi::CountConnections count_connections);

  // The response for /metrics, or nullopt when the path is not ours.
  std::optional<HttpResponse> route(const HttpRequest& request);

  // Adds each stream's recording write errors (its current or last recording) from these.
  void set_recordings(const Recordings* recordings) { recordings_ = recordings; }

  // Every family, in exposition order (public for tests and other exporters).
  [[nodiscard]] std::vector<prometheus::MetricFamily> families();

 private:
  void add_server(std::vector<prometheus::MetricFamily>& out);
  void add_streams(std::vector<prometheus::MetricFamily>& out);

  StreamRegistry& registry_;
  RoomRegistry& rooms_;
  StatsApi::CountConnections count_connections_;
  const Recordings* recordings_ = nullptr;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace liverelay
