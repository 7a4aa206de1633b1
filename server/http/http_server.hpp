// The HTTP/1.1 server on the loop: accepts connections, routes their requests, reaps the idle
// and slow, and passes WebSocket upgrades to whoever takes them.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/http/http_connection.hpp"
#include "server/http/http_types.hpp"
#include "server/net/endpoint.hpp"
#include "server/net/tcp_listener.hpp"
#include "server/net/timer.hpp"

namespace liverelay {

struct HttpServerOptions {
  http::RequestLimits limits;
  HttpTimeouts timeouts;
  ConnectionLimiter* connections = nullptr;  // caps the sockets accepted; outlives the server
};

class HttpServer final : private HttpConnectionHost {
 public:
  using UpgradeHandler =
      std::function<bool(const HttpRequest&, std::unique_ptr<TcpConnection>&, std::span<const uint8_t>)>;

  HttpServer(uv_loop_t* loop, HttpHandler handler, HttpServerOptions options = {});
  ~HttpServer() override;
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<void> listen(const Endpoint& endpoint);
  void set_upgrade_handler(UpgradeHandler handler) { upgrade_handler_ = std::move(handler); }
  // Stops accepting and closes every connection.
  void stop();

  [[nodiscard]] size_t connection_count() const { return connections_.size(); }
  [[nodiscard]] Endpoint local_endpoint() const { return listener_->local_endpoint(); }

 private:
  HttpResponse handle(const HttpRequest& request) override { return handler_(request); }
  bool take_upgrade(const HttpRequest& request, std::unique_ptr<TcpConnection>& tcp,
                    std::span<const uint8_t> rest) override;
  void finished(uint64_t id) override;
  void on_accept(uv_tcp_t* handle, ConnectionSlot slot);

  uv_loop_t* loop_;
  HttpHandler handler_;
  HttpServerOptions options_;
  UpgradeHandler upgrade_handler_;
  std::unique_ptr<TcpListener> listener_;
  std::map<uint64_t, std::unique_ptr<HttpConnection>> connections_;
  std::vector<std::unique_ptr<HttpConnection>> finished_;
  Timer reaper_;
  Timer sweeper_;
  uint64_t next_id_ = 1;
};

}  // namespace liverelay
