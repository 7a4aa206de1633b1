// WsServer: the handshake, the per-address limit, and destruction of finished sockets on a
// fresh call stack.
#include "server/ws/ws_server.hpp"

#include "protocol/http/response_head.hpp"
#include "protocol/websocket/handshake.hpp"
#include "server/clock.hpp"
#include "server/http/route_path.hpp"
#include "server/logging.hpp"
#include "server/net/uv_handles.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kWsSuffix = "/ws";

// "/live/<name>/ws" -> name, or empty.
std::string room_name_of(const std::string& path) {
  if (!path.starts_with(kLivePrefix) || !path.ends_with(kWsSuffix)) return {};
  const size_t length = path.size() - kLivePrefix.size() - kWsSuffix.size();
  if (path.size() < kLivePrefix.size() + kWsSuffix.size() + 1) return {};
  std::string name = path.substr(kLivePrefix.size(), length);
  return name.find('/') == std::string::npos ? name : std::string{};
}

}  // namespace

WsServer::WsServer(uv_loop_t* loop, RoomRegistry& rooms, WsServerOptions options)
    : rooms_(rooms), options_(options), reaper_(loop), sweeper_(loop), flusher_(new uv_check_t{}) {
  uv_check_init(loop, flusher_);
  flusher_->data = this;
  uv_check_start(flusher_, [](uv_check_t* check) {
    if (auto* self = static_cast<WsServer*>(check->data)) self->flush_all();
  });
  sweeper_.start(1000, 1000, [this] {
    const int64_t now = steady_ms();
    for (auto& [id, connection] : connections_) connection->sweep(now);
  });
}

WsServer::~WsServer() {
  stop();
  flusher_->data = nullptr;
  close_and_delete(flusher_);
}

void WsServer::flush_all() {
  // flush() may finish a connection (too far behind); finished ones live until the reaper runs.
  auto batch = std::move(to_flush_);
  to_flush_.clear();
  for (WsConnection* connection : batch) connection->flush();
}

void WsServer::stop() {
  sweeper_.stop();
  uv_check_stop(flusher_);  // an active check handle would keep the loop from ever ending
  auto closing = std::move(connections_);
  connections_.clear();
  for (auto& [id, connection] : closing) connection->disconnect(1001, "server shutting down");
  closing.clear();
  finished_.clear();
  reaper_.stop();
}

bool WsServer::take(const HttpRequest& request, std::unique_ptr<TcpConnection>& tcp, std::span<const uint8_t> early) {
  const std::string name = room_name_of(request.path);
  if (name.empty()) return false;
  Room* room = rooms_.room(name);
  if (room == nullptr) {
    refuse(tcp, 404, "no such room");
    return true;
  }
  auto response = websocket::handshake_response(
      {request.header("sec-websocket-version"), request.header("sec-websocket-key")});
  if (!response) {
    // RFC 6455 4.4: a version we do not speak gets 426 and the one we do.
    refuse(tcp, response.error().code == Errc::unsupported ? 426 : 400, response.error().message);
    return true;
  }
  size_t& from_address = per_address_[request.peer];
  if (from_address >= options_.max_connections_per_address) {
    logger("ws")->warn("{}: {} refused: {} connections from that address", name, request.peer, from_address);
    refuse(tcp, 429, "too many connections from this address");
    return true;
  }
  ++from_address;
  const uint64_t id = next_id_++;
  auto connection = std::make_unique<WsConnection>(id, std::move(tcp), *room, static_cast<WsConnectionHost&>(*this),
                                                   options_.limits, options_.room_limits, request.peer,
                                                   request.user_agent);
  WsConnection& started = *connection;
  connections_.emplace(id, std::move(connection));
  logger("ws")->debug("{}: {} joined (connection {})", name, request.peer, id);
  started.start(*response, early, steady_ms());
  return true;
}

void WsServer::refuse(std::unique_ptr<TcpConnection>& tcp, int status, std::string_view reason) {
  const std::string body = std::string(reason) + "\n";
  http::ResponseHead head;
  head.status = status;
  head.content_type = "text/plain";
  head.content_length = body.size();
  head.keep_alive = false;
  const std::vector<std::pair<std::string, std::string>> version = {{"Sec-WebSocket-Version", "13"}};
  if (status == 426) head.headers = version;
  const std::string text = http::render_response_head(head) + body;
  tcp->write({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  tcp->close_after_flush();
  tcp.reset();
}

void WsServer::finished(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  const std::string& address = it->second->address();
  if (auto count = per_address_.find(address); count != per_address_.end() && --count->second == 0) {
    per_address_.erase(count);
  }
  finished_.push_back(std::move(it->second));
  connections_.erase(it);
  reaper_.start(0, 0, [this] { finished_.clear(); });
}

}  // namespace liverelay
