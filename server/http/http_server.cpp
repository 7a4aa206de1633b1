// HttpServer: the connection set, a once-a-second timeout sweep, and destruction of finished
// connections on a fresh call stack.
#include "server/http/http_server.hpp"

#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {

HttpResponse HttpResponse::json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return response;
}

HttpResponse HttpResponse::not_found() { return json(404, R"({"error":"not found"})"); }

HttpServer::HttpServer(uv_loop_t* loop, HttpHandler handler, HttpServerOptions options)
    : loop_(loop), handler_(std::move(handler)), options_(options), reaper_(loop), sweeper_(loop) {}

HttpServer::~HttpServer() { stop(); }

Result<void> HttpServer::listen(const Endpoint& endpoint) {
  auto listener = TcpListener::listen(
      loop_, endpoint, [this](uv_tcp_t* handle, ConnectionSlot slot) { on_accept(handle, std::move(slot)); },
      options_.connections);
  if (!listener) return tl::unexpected(std::move(listener.error()).context("http"));
  listener_ = std::move(*listener);
  // A sweep per second is O(connections) once a second, not a timer operation per request.
  sweeper_.start(1000, 1000, [this] {
    const int64_t now = steady_ms();
    for (auto& [id, connection] : connections_) connection->sweep(now);
  });
  logger("http")->info("listening on {}", listener_->local_endpoint().to_string());
  return {};
}

void HttpServer::stop() {
  listener_.reset();
  sweeper_.stop();
  while (!connections_.empty()) connections_.begin()->second->close("server shutting down");
  finished_.clear();
  reaper_.stop();
}

void HttpServer::on_accept(uv_tcp_t* handle, ConnectionSlot slot) {
  const uint64_t id = next_id_++;
  auto connection = std::make_unique<HttpConnection>(id, std::make_unique<TcpConnection>(handle, std::move(slot)),
                                                     static_cast<HttpConnectionHost&>(*this),
                                                     options_.limits, options_.timeouts);
  HttpConnection& started = *connection;
  connections_.emplace(id, std::move(connection));
  started.start(steady_ms());
}

bool HttpServer::take_upgrade(const HttpRequest& request, std::unique_ptr<TcpConnection>& tcp,
                              std::span<const uint8_t> rest) {
  return upgrade_handler_ && upgrade_handler_(request, tcp, rest);
}

void HttpServer::finished(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  finished_.push_back(std::move(it->second));
  connections_.erase(it);
  reaper_.start(0, 0, [this] { finished_.clear(); });
}

}  // namespace liverelay
