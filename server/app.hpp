// The whole server: one libuv loop running the RTMP listener, HTTP, and the stream registry.
#pragma once

#include <memory>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/api/stats_api.hpp"
#include "server/config/config.hpp"
#include "server/hls/hls_routes.hpp"
#include "server/hls/hls_sessions.hpp"
#include "server/http/http_server.hpp"
#include "server/net/timer.hpp"
#include "server/rtmp/rtmp_server.hpp"
#include "server/stream/publish_auth.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

class App {
 public:
  explicit App(Config config);
  ~App();

  // Binds the listeners and runs until SIGINT or SIGTERM. Start-up failures are errors.
  Result<void> run();

 private:
  Result<void> start();
  void stop();
  HttpResponse route(const HttpRequest& request);

  Config config_;
  uv_loop_t loop_{};
  PublishAuth auth_;
  StreamRegistry registry_;
  HlsSessions hls_sessions_;
  HlsRoutes hls_routes_;
  std::unique_ptr<Timer> housekeeping_;
  std::unique_ptr<RtmpServer> rtmp_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<StatsApi> stats_;
  uv_signal_t* sigint_ = nullptr;
  uv_signal_t* sigterm_ = nullptr;
  bool stopping_ = false;
};

}  // namespace liverelay
