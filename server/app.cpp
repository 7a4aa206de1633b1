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
      hls_sessions_(static_cast<int64_t>(config_.hls.segment_s * 3000.0) + 10'000),
      hls_routes_(registry_, hls_sessions_) {
  uv_loop_init(&loop_);
}

App::~App() {
  housekeeping_.reset();
  rtmp_.reset();
  http_.reset();
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

  rtmp_ = std::make_unique<RtmpServer>(&loop_, registry_, auth_);
  if (auto listening = rtmp_->listen(config_.rtmp); !listening) return listening;
  http_ = std::make_unique<HttpServer>(&loop_, [this](const HttpRequest& r) { return route(r); });
  if (auto listening = http_->listen(config_.http); !listening) return listening;
  stats_ = std::make_unique<StatsApi>(registry_, hls_sessions_, [this] {
    return ConnectionCounts{rtmp_ ? rtmp_->connection_count() : 0, http_ ? http_->connection_count() : 0, 0};
  });

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

void App::stop() {
  if (stopping_) return;
  stopping_ = true;
  close_signal(sigint_);
  close_signal(sigterm_);
  housekeeping_.reset();
  if (rtmp_) rtmp_->stop();
  if (http_) http_->stop();
}

HttpResponse App::route(const HttpRequest& request) {
  if (auto response = stats_->route(request)) return std::move(*response);
  if (auto response = hls_routes_.route(request)) return std::move(*response);
  return HttpResponse::not_found();
}

}  // namespace liverelay
