// RtmpServer: accepts connections and destroys finished ones on a fresh call stack.
#include "server/rtmp/rtmp_server.hpp"

#include "server/logging.hpp"

namespace liverelay {

RtmpServer::RtmpServer(uv_loop_t* loop, StreamRegistry& registry, const PublishAuth& auth, Webhooks& hooks,
                       RtmpLimits limits, ConnectionLimiter* connections)
    : loop_(loop),
      registry_(registry),
      auth_(auth),
      hooks_(hooks),
      limits_(limits),
      connection_limiter_(connections),
      flusher_(loop),
      reaper_(loop) {}

RtmpServer::~RtmpServer() { stop(); }

Result<void> RtmpServer::listen(const Endpoint& endpoint) {
  auto listener = TcpListener::listen(
      loop_, endpoint, [this](uv_tcp_t* handle, ConnectionSlot slot) { on_accept(handle, std::move(slot)); },
      connection_limiter_);
  if (!listener) return tl::unexpected(std::move(listener.error()).context("rtmp"));
  listener_ = std::move(*listener);
  logger("rtmp")->info("listening on {}", listener_->local_endpoint().to_string());
  return {};
}

void RtmpServer::stop() {
  listener_.reset();
  while (!connections_.empty()) connections_.begin()->second->close("server shutting down");
  finished_.clear();
  reaper_.stop();
}

bool RtmpServer::kick(uint64_t connection_id, std::string_view reason) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end()) return false;
  it->second->close(reason);  // finishing moves it to finished_: `it` is gone after this
  return true;
}

void RtmpServer::on_accept(uv_tcp_t* handle, ConnectionSlot slot) {
  const uint64_t id = next_id_++;
  auto connection = std::make_unique<RtmpConnection>(
      loop_, id, std::make_unique<TcpConnection>(handle, std::move(slot)), registry_, auth_, hooks_, flusher_,
      limits_, [this](RtmpConnection& finished) { on_finished(finished); });
  RtmpConnection& started = *connection;
  connections_.emplace(id, std::move(connection));
  started.start();
}

void RtmpServer::on_finished(RtmpConnection& connection) {
  auto it = connections_.find(connection.id());
  if (it == connections_.end()) return;
  finished_.push_back(std::move(it->second));
  connections_.erase(it);
  reaper_.start(0, 0, [this] { finished_.clear(); });
}

}  // namespace liverelay
