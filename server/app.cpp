// App: start-up, routing of HTTP requests, and a shutdown that closes every handle.
#include "server/app.hpp"

#include <csignal>
#include <filesystem>

#include <sys/resource.h>

#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

uv_signal_t* watch_signal(uv_loop_t* loop, int signum, App* app, uv_signal_cb callback) {
  auto* handle = new uv_signal_t{};
  uv_signal_init(loop, handle);
  handle->data = app;
  uv_signal_start(handle, callback, signum);
  return handle;
}

void close_signal(uv_signal_t*& handle) {
  if (handle == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(handle), [](uv_handle_t* h) { delete reinterpret_cast<uv_signal_t*>(h); });
  handle = nullptr;
}

// Every viewer is a socket and every stored segment a memory file: use what the hard limit
// allows, as nginx's worker_rlimit_nofile does.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

StreamOptions stream_options(const Config& config) {
  StreamOptions options;
  options.hls.format = config.hls.format == "fmp4" ? hls::SegmentFormat::fmp4 : hls::SegmentFormat::ts;
  options.hls.segment_s = config.hls.segment_s;
  options.hls.window = static_cast<size_t>(config.hls.window);
  options.reconnect_grace_ms = static_cast<int64_t>(config.reconnect_grace_s * 1000.0);
  return options;
}

}  // namespace

App::App(Config config)
    : config_(std::move(config)),
      auth_(config_.streams),
      registry_(stream_options(config_), auth_.configured_names()),
      hls_sessions_(static_cast<int64_t>(config_.hls.segment_s * 3000.0) + 4'000),
      hls_routes_(registry_, hls_sessions_) {
  uv_loop_init(&loop_);
}

App::~App() {
  housekeeping_.reset();
  room_flush_.reset();
  rtmp_.reset();
  webhooks_.reset();  // cancels what is in flight; its handles close in the uv_run below
  http_.reset();
  ws_.reset();  // members leave their rooms
  room_api_.reset();
  control_api_.reset();
  stats_.reset();
  metrics_.reset();
  rooms_.reset();
  uv_run(&loop_, UV_RUN_DEFAULT);  // let close callbacks free their handles
  uv_loop_close(&loop_);
}

Result<void> App::start() {
  // A peer that hangs up mid-write is an EPIPE to handle on that connection, not a reason for
  // the kernel to kill the whole server.
  ::signal(SIGPIPE, SIG_IGN);
  raise_descriptor_limit();
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) return fail(Errc::io, fmt::format("data dir {}: {}", config_.data_dir, ec.message()));

  if (auto rooms = start_rooms(); !rooms) return rooms;
  webhooks_ = std::make_unique<Webhooks>(&loop_, config_.webhooks);
  rtmp_ = std::make_unique<RtmpServer>(&loop_, registry_, auth_, *webhooks_);
  if (auto listening = rtmp_->listen(config_.rtmp); !listening) return listening;
  http_ = std::make_unique<HttpServer>(&loop_, [this](const HttpRequest& r) { return route(r); });
  http_->set_upgrade_handler([this](const HttpRequest& request, std::unique_ptr<TcpConnection>& tcp,
                                    std::span<const uint8_t> early) { return ws_->take(request, tcp, early); });
  if (auto listening = http_->listen(config_.http); !listening) return listening;
  auto count_connections = [this] {
    return ConnectionCounts{rtmp_ ? rtmp_->connection_count() : 0, http_ ? http_->connection_count() : 0,
                            ws_ ? ws_->connection_count() : 0};
  };
  stats_ = std::make_unique<StatsApi>(registry_, hls_sessions_, *rooms_, count_connections);
  metrics_ = std::make_unique<MetricsApi>(registry_, *rooms_, count_connections);
  room_api_ = std::make_unique<RoomApi>(*rooms_, config_.admin_token, room_context_->bots);
  control_api_ = std::make_unique<ControlApi>(registry_, *rtmp_, config_.admin_token);

  housekeeping_ = std::make_unique<Timer>(&loop_);
  housekeeping_->start(1000, 1000, [this] {
    registry_.tick(steady_ms());
    hls_sessions_.expire(steady_ms());
  });

  auto on_signal = [](uv_signal_t* handle, int signum) {
    logger("server")->info("signal {}: shutting down", signum);
    static_cast<App*>(handle->data)->stop();
  };
  sigint_ = watch_signal(&loop_, SIGINT, this, on_signal);
  sigterm_ = watch_signal(&loop_, SIGTERM, this, on_signal);
  logger("server")->info("liverelay {} up ({} mode, HLS {} {} s x {}, data in {})", LIVERELAY_VERSION,
                         auth_.keyed() ? "keyed" : "open", config_.hls.format, config_.hls.segment_s,
                         config_.hls.window, config_.data_dir);
  if (webhooks_->describe() != "none") logger("hooks")->info("webhooks: {}", webhooks_->describe());
  return {};
}

Result<void> App::run() {
  if (auto started = start(); !started) {
    stop();
    return started;
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  logger("server")->info("stopped");
  return {};
}

// Comments, bans and broadcasts in SQLite under the data dir; rooms and their WebSockets.
Result<void> App::start_rooms() {
  auto database = Database::open_in(config_.data_dir);
  if (!database) return tl::unexpected(std::move(database.error()).context("storage"));
  database_ = std::move(*database);
  comment_store_ = std::make_unique<CommentStore>(*database_);
  ban_store_ = std::make_unique<BanStore>(*database_);
  broadcast_store_ = std::make_unique<BroadcastStore>(*database_);
  if (auto closed = broadcast_store_->close_unfinished(wall_ms()); closed && *closed > 0) {
    logger("room")->warn("{} broadcast(s) left open by an earlier run closed", *closed);
  }
  const RoomConfig& room = config_.room;
  std::vector<BotAccount> bots;
  for (const auto& bot : config_.bots) bots.push_back({bot.name, bot.token});
  room_context_ = std::unique_ptr<RoomContext>(new RoomContext{
      *comment_store_, *ban_store_, *broadcast_store_,
      RoomLimits{room.comments_per_s, room.comment_burst, room.reactions_per_s, room.reaction_burst},
      config_.admin_token, std::move(bots), static_cast<int64_t>(config_.reconnect_grace_s * 1000.0)});
  rooms_ = std::make_unique<RoomRegistry>(*room_context_, registry_, hls_sessions_, [this](std::string_view name) {
    return auth_.keyed() ? registry_.find(std::string(name)) != nullptr : is_valid_stream_name(name);
  });
  WsServerOptions ws;
  ws.room_limits = room_context_->limits;
  ws.max_connections_per_address = static_cast<size_t>(room.max_connections_per_address);
  ws.limits.max_queued_bytes = static_cast<size_t>(room.send_queue_kib) * 1024;
  ws_ = std::make_unique<WsServer>(&loop_, *rooms_, ws);
  // Viewer counts and reactions go out coalesced, at most four times a second.
  room_flush_ = std::make_unique<Timer>(&loop_);
  room_flush_->start(250, 250, [this] { rooms_->flush(wall_ms(), steady_ms()); });
  return {};
}

void App::stop() {
  if (stopping_) return;
  stopping_ = true;
  close_signal(sigint_);
  close_signal(sigterm_);
  housekeeping_.reset();
  room_flush_.reset();
  if (rtmp_) rtmp_->stop();
  if (webhooks_) webhooks_->stop();  // requests in flight are cancelled: nothing keeps the loop
  if (http_) http_->stop();
  if (ws_) ws_->stop();
  close_lingering_connections();
}

HttpResponse App::route(const HttpRequest& request) {
  if (auto response = control_api_->route(request)) return std::move(*response);
  if (auto response = room_api_->route(request)) return std::move(*response);
  if (auto response = stats_->route(request)) return std::move(*response);
  if (auto response = metrics_->route(request)) return std::move(*response);
  if (auto response = hls_routes_.route(request)) return std::move(*response);
  return HttpResponse::not_found();
}

}  // namespace liverelay
