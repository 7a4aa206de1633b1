// The whole server: one libuv loop running the RTMP listener, HTTP, and the stream registry.
#pragma once

#include <memory>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/api/control_api.hpp"
#include "server/api/relay_api.hpp"
#include "server/api/history_api.hpp"
#include "server/api/metrics_api.hpp"
#include "server/api/replay_api.hpp"
#include "server/api/room_api.hpp"
#include "server/api/stats_api.hpp"
#include "server/config/config.hpp"
#include "server/hls/hls_routes.hpp"
#include "server/hls/hls_sessions.hpp"
#include "server/hooks/webhooks.hpp"
#include "server/http/http_server.hpp"
#include "server/net/timer.hpp"
#include "server/record/recordings.hpp"
#include "server/record/replay_routes.hpp"
#include "server/relay/relays.hpp"
#include "server/room/room_registry.hpp"
#include "server/rtmp/rtmp_server.hpp"
#include "server/stream/publish_auth.hpp"
#include "server/storage/ban_store.hpp"
#include "server/storage/broadcast_store.hpp"
#include "server/storage/comment_store.hpp"
#include "server/storage/database.hpp"
#include "server/storage/reaction_store.hpp"
#include "server/stream/stream_registry.hpp"
#include "server/web/static_site.hpp"
#include "server/webrtc/webrtc_server.hpp"
#include "server/webrtc/whep_routes.hpp"
#include "server/ws/ws_server.hpp"

namespace liverelay {

class App {
 public:
  explicit App(Config config);
  ~App();

  // Binds the listeners and runs until SIGINT or SIGTERM. Start-up failures are errors.
  Result<void> run();

 private:
  Result<void> start();
  Result<void> start_rooms();
  Result<void> start_relays();
  Result<void> start_webrtc();
  void note_demand(std::string_view path);
  void start_recordings();
  void stop();
  void log_urls() const;
  HttpResponse route(const HttpRequest& request);

  Config config_;
  uv_loop_t loop_{};
  ConnectionLimiter connection_limiter_;  // outlives every socket (they close in ~App's body)
  PublishAuth auth_;
  StreamRegistry registry_;
  HlsSessions hls_sessions_;
  std::unique_ptr<HlsRoutes> hls_routes_;
  std::unique_ptr<Timer> housekeeping_;
  // Rooms: storage first, so that it outlives everything that writes to it.
  std::unique_ptr<Database> database_;
  std::unique_ptr<CommentStore> comment_store_;
  std::unique_ptr<BanStore> ban_store_;
  std::unique_ptr<BroadcastStore> broadcast_store_;
  std::unique_ptr<ReactionStore> reaction_store_;
  std::unique_ptr<Recordings> recordings_;  // owns the broadcast rows: before the rooms that use them
  std::unique_ptr<RoomContext> room_context_;
  std::unique_ptr<RoomRegistry> rooms_;
  std::unique_ptr<Timer> room_flush_;
  std::unique_ptr<Webhooks> webhooks_;  // outlives the RTMP connections that call it
  std::unique_ptr<RtmpServer> rtmp_;
  std::unique_ptr<WsServer> ws_;
  std::unique_ptr<webrtc::WebRtcServer> webrtc_;  // its sessions are room members: before the rooms go
  std::unique_ptr<webrtc::WhepRoutes> whep_routes_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<StatsApi> stats_;
  std::unique_ptr<MetricsApi> metrics_;
  std::unique_ptr<RoomApi> room_api_;
  std::unique_ptr<ControlApi> control_api_;
  std::unique_ptr<ReplayApi> replay_api_;
  std::unique_ptr<ReplayRoutes> replay_routes_;
  std::unique_ptr<HistoryApi> history_api_;  // the dashboard's last 10 minutes
  std::unique_ptr<StaticSite> site_;         // the pages
  std::unique_ptr<Relays> relays_;           // pushes and pulls: sinks and publishers of streams
  std::unique_ptr<RelayApi> relay_api_;
  uv_signal_t* sigint_ = nullptr;
  uv_signal_t* sigterm_ = nullptr;
  bool stopping_ = false;
};

}  // namespace liverelay
