// HTTP (and, later, WebSocket) on libwebsockets, running on the server's own libuv loop.
#pragma once

#include <cstddef>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/http/http_types.hpp"
#include "server/net/endpoint.hpp"

struct lws_context;

namespace liverelay {

class HttpServer {
 public:
  HttpServer(uv_loop_t* loop, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<void> listen(const Endpoint& endpoint);
  // Begins closing every connection and the listener; the loop finishes the job.
  void stop();
  // After the loop has run dry: lws needs a second destroy to free what the first left.
  void finish_stop();

  [[nodiscard]] size_t connection_count() const { return connections_; }

  // Called from the lws callback (an implementation detail, public for the C callback).
  HttpResponse handle(const HttpRequest& request) { return handler_(request); }
  void connection_opened() { ++connections_; }
  void connection_closed() { --connections_; }

 private:
  uv_loop_t* loop_;
  HttpHandler handler_;
  lws_context* context_ = nullptr;
  size_t connections_ = 0;
};

}  // namespace liverelay
