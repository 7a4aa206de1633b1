// App: start-up, routing of HTTP requests, and a shutdown that closes every handle.
#include "server/app.hpp"

#include <sys/resource.h>

#include <csignal>
#include <filesystem>

#include "server/clock.hpp"
#include "server/http/route_path.hpp"
#include "server/logging.hpp"
#include "server/net/uv_handles.hpp"
#include "server/web/site_urls.hpp"

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
  close_and_delete(handle);
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

ConnectionLimits connection_limits(const LimitsConfig& limits) {
  return {static_cast<size_t>(limits.max_connections), static_cast<size_t>(limits.max_connections_per_address)};
}

RtmpLimits rtmp_limits(const LimitsConfig& limits) {
  RtmpLimits out;
  out.handshake_timeout_ms = static_cast<uint64_t>(limits.rtmp_handshake_timeout_s * 1000.0);
  out.publisher_idle_ms = static_cast<uint64_t>(limits.publisher_idle_timeout_s * 1000.0);
  out.max_message_bytes = static_cast<uint32_t>(limits.max_rtmp_message_bytes);
  out.max_streams = static_cast<size_t>(limits.max_streams);
  return out;
}

HttpServerOptions http_options(const LimitsConfig& limits, ConnectionLimiter& connections) {
  HttpServerOptions options;
  options.limits.max_head_bytes = static_cast<size_t>(limits.http_max_header_bytes);
  options.timeouts.header_ms = static_cast<int64_t>(limits.http_header_timeout_s * 1000.0);
  options.connections = &connections;
  return options;
}

StreamOptions stream_options(const Config& config) {
  StreamOptions options;
  options.hls.format = config.hls.format == "fmp4" ? hls::SegmentFormat::fmp4 : hls::SegmentFormat::ts;
  options.hls.segment_s = config.hls.segment_s;
  options.hls.window = static_cast<size_t>(config.hls.window);
  if (config.hls.low_latency) options.hls.part_s = config.hls.part_s;
  options.hls.segment_file_directory = config.data_dir;
  options.reconnect_grace_ms = static_cast<int64_t>(config.reconnect_grace_s * 1000.0);
  return options;
}

}  // namespace

App::App(Config config)
    : config_(std::move(config)),
      connection_limiter_(connection_limits(config_.limits)),
      auth_(config_.streams),
      registry_(stream_options(config_), auth_.configured_names()),
      hls_sessions_(static_cast<int64_t>(config_.hls.segment_s * 3000.0) + 4'000) {
  uv_loop_init(&loop_);
}

App::~App() {
  housekeeping_.reset();
  room_flush_.reset();
  relay_api_.reset();
  relays_.reset();  // pushes are sinks of streams in the registry
  rtmp_.reset();
  webhooks_.reset();  // cancels what is in flight; its handles close in the uv_run below
  http_.reset();
  hls_routes_.reset();  // after the connections that wait on its held requests
  ws_.reset();  // members leave their rooms
  whep_routes_.reset();
  webrtc_.reset();  // WHEP viewers leave their rooms too
  room_api_.reset();
  control_api_.reset();
  replay_api_.reset();
  replay_routes_.reset();
  history_api_.reset();
  stats_.reset();
  metrics_.reset();
  rooms_.reset();
  recordings_.reset();  // writes still in flight finish in the uv_run below, reporting to nobody
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
  rtmp_ = std::make_unique<RtmpServer>(&loop_, registry_, auth_, *webhooks_, rtmp_limits(config_.limits),
                                       &connection_limiter_);
  if (auto listening = rtmp_->listen(config_.rtmp); !listening) return listening;
  if (auto webrtc = start_webrtc(); !webrtc) return webrtc;
  hls_routes_ = std::make_unique<HlsRoutes>(&loop_, registry_, hls_sessions_);
  http_ = std::make_unique<HttpServer>(&loop_, [this](const HttpRequest& r) { return route(r); },
                                       http_options(config_.limits, connection_limiter_));
  http_->set_upgrade_handler([this](const HttpRequest& request, std::unique_ptr<TcpConnection>& tcp,
                                    std::span<const uint8_t> early) {
    note_demand(request.path);
    return ws_->take(request, tcp, early);
  });
  if (auto listening = http_->listen(config_.http); !listening) return listening;
  auto count_connections = [this] {
    return ConnectionCounts{rtmp_ ? rtmp_->connection_count() : 0, http_ ? http_->connection_count() : 0,
                            ws_ ? ws_->connection_count() : 0, webrtc_ ? webrtc_->session_count() : 0,
                            connection_limiter_.refused(ConnectionLimiter::Refusal::total),
                            connection_limiter_.refused(ConnectionLimiter::Refusal::per_address)};
  };
  stats_ = std::make_unique<StatsApi>(registry_, hls_sessions_, *rooms_, count_connections);
  metrics_ = std::make_unique<MetricsApi>(registry_, *rooms_, count_connections);
  room_api_ = std::make_unique<RoomApi>(*rooms_, config_.admin_token, room_context_->bots);
  control_api_ = std::make_unique<ControlApi>(registry_, *rtmp_, config_.admin_token);
  replay_api_ = std::make_unique<ReplayApi>(*broadcast_store_, *comment_store_, *reaction_store_, *recordings_,
                                            config_.admin_token);
  replay_routes_ = std::make_unique<ReplayRoutes>(*broadcast_store_, *recordings_);
  stats_->set_recordings(recordings_.get());
  metrics_->set_recordings(recordings_.get());
  if (auto relays = start_relays(); !relays) return relays;
  history_api_ = std::make_unique<HistoryApi>(registry_, *rooms_, count_connections, config_.admin_token);
  site_ = std::make_unique<StaticSite>(config_.web_root);

  housekeeping_ = std::make_unique<Timer>(&loop_);
  housekeeping_->start(1000, 1000, [this] {
    relays_->tick(steady_ms());
    registry_.tick(steady_ms());
    hls_sessions_.expire(steady_ms());
    recordings_->tick(wall_ms());
    history_api_->tick(wall_ms(), steady_ms());
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
  log_urls();
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
  reaction_store_ = std::make_unique<ReactionStore>(*database_);
  start_recordings();
  const RoomConfig& room = config_.room;
  std::vector<BotAccount> bots;
  for (const auto& bot : config_.bots) bots.push_back({bot.name, bot.token});
  room_context_ = std::unique_ptr<RoomContext>(new RoomContext{
      *comment_store_, *ban_store_, *broadcast_store_, *reaction_store_,
      RoomLimits{room.comments_per_s, room.comment_burst, room.reactions_per_s, room.reaction_burst},
      config_.admin_token, std::move(bots),
      [this](const std::string& stream) { return recordings_ ? recordings_->current(stream) : std::nullopt; }});
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

// WHEP playback: one UDP socket for every session, and its HTTP resource.
Result<void> App::start_webrtc() {
  webrtc::WebRtcServerOptions options;
  options.udp = config_.webrtc.udp;
  options.candidates = config_.webrtc.candidates;
  options.reencode_bframes = config_.webrtc.reencode_bframes;
  options.max_sessions = static_cast<size_t>(config_.webrtc.max_sessions);
  options.certificate_file = config_.webrtc.certificate_file;
  options.key_file = config_.webrtc.key_file;
  options.max_sessions_per_address = static_cast<size_t>(config_.webrtc.max_sessions_per_address);
  options.room_limits = room_context_->limits;
  webrtc_ = std::make_unique<webrtc::WebRtcServer>(&loop_, registry_, *rooms_, options);
  if (auto started = webrtc_->start(); !started) return started;
  whep_routes_ = std::make_unique<webrtc::WhepRoutes>(*webrtc_);
  return {};
}

// Broadcasts own their rows and recordings: what a crash left open is closed before anything
// goes live; the stream side tells Recordings when broadcasts begin and end.
void App::start_recordings() {
  RecordingOptions options;
  options.enabled = config_.recording.enabled;
  options.data_dir = config_.data_dir;
  options.format = config_.hls.format == "fmp4" ? hls::SegmentFormat::fmp4 : hls::SegmentFormat::ts;
  options.segment_s = config_.hls.segment_s;
  options.dvr_window_ms = static_cast<int64_t>(config_.recording.dvr_window_s * 1000.0);
  options.retention = {static_cast<int64_t>(config_.recording.max_age_h * 3'600'000.0), config_.recording.max_bytes};
  recordings_ = std::make_unique<Recordings>(&loop_, *broadcast_store_, options, [this](const FinishedRecording& done) {
    if (webhooks_) {
      webhooks_->record_done(done.stream, done.broadcast_id, replay_playlist_url(done.stream, done.broadcast_id),
                             static_cast<double>(done.duration_ms) / 1000.0, done.bytes);
    }
  });
  recordings_->recover(wall_ms());
  registry_.set_broadcast_observer(recordings_.get());
}

// Pushes to other servers and pulls from origins, from the config and the admin API.
Result<void> App::start_relays() {
  relays_ = std::make_unique<Relays>(&loop_, registry_, [this](const std::string& name) {
    const Room* room = rooms_->find(name);
    const Stream* stream = registry_.find(name);
    return (room ? room->viewers() : 0) + (stream ? stream->playback().players : 0);
  });
  if (auto configured = relays_->configure(config_.pushes, config_.pulls); !configured) {
    return tl::unexpected(configured.error());
  }
  registry_.set_demand_listener([this](const std::string& name) { relays_->note_demand(name, steady_ms()); });
  relay_api_ = std::make_unique<RelayApi>(*relays_, config_.admin_token);
  stats_->set_relays(relays_.get());
  return {};
}

void App::stop() {
  if (stopping_) return;
  stopping_ = true;
  close_signal(sigint_);
  close_signal(sigterm_);
  housekeeping_.reset();
  room_flush_.reset();
  if (relays_) relays_->stop();
  if (rtmp_) rtmp_->stop();
  // Publishers are gone: their broadcasts end now and their recordings close (the loop runs
  // until the last playlist is written).
  registry_.end_all_now();
  if (webhooks_) webhooks_->stop();  // requests in flight are cancelled: nothing keeps the loop
  if (http_) http_->stop();
  if (ws_) ws_->stop();
  if (webrtc_) webrtc_->stop();
  close_lingering_connections();
}

// What a newcomer needs from the first screen of output: where to watch, where to publish.
void App::log_urls() const {
  const SiteUrls urls = site_urls(http_->local_endpoint(), rtmp_->local_endpoint());
  if (site_->has_pages()) logger("server")->info("watch: open {}", urls.directory);
  logger("server")->info("publish: {} (OBS: server {}, stream key <stream-key>)", urls.publish,
                         urls.publish.substr(0, urls.publish.rfind('/')));
  if (site_->has_pages()) {
    logger("server")->info("dashboard: {}{}", urls.dashboard,
                           config_.admin_token.empty() ? " (set [admin] token in the config to use it)" : "");
  }
}

// An edge pulls a stream on demand: any request under /live/<name>/ asks for it.
void App::note_demand(std::string_view path) {
  if (!relays_ || !relays_->any_pulls() || !path.starts_with(kLivePrefix)) return;
  path.remove_prefix(kLivePrefix.size());
  registry_.note_demand(std::string(path.substr(0, path.find('/'))));
}

HttpResponse App::route(const HttpRequest& request) {
  note_demand(request.path);
  if (auto response = control_api_->route(request)) return std::move(*response);
  if (auto response = relay_api_->route(request)) return std::move(*response);
  if (auto response = room_api_->route(request)) return std::move(*response);
  if (auto response = history_api_->route(request)) return std::move(*response);
  if (auto response = replay_api_->route(request)) return std::move(*response);
  if (auto response = stats_->route(request)) return std::move(*response);
  if (auto response = metrics_->route(request)) return std::move(*response);
  if (auto response = replay_routes_->route(request)) return std::move(*response);
  if (whep_routes_) {  // before HLS, which answers every other /live/<name>/ path
    if (auto response = whep_routes_->route(request)) return std::move(*response);
  }
  if (auto response = hls_routes_->route(request)) return std::move(*response);
  // Last: pages never shadow the playlists, segments or API (the WebSocket is taken earlier).
  if (auto response = site_->route(request)) return std::move(*response);
  return HttpResponse::not_found();
}

}  // namespace liverelay
