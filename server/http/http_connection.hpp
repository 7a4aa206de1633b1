// One HTTP/1.1 connection: parses requests one at a time, answers each through the routes,
// keeps the connection alive, and hands WebSocket upgrades over.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "protocol/http/request_parser.hpp"
#include "server/http/http_types.hpp"
#include "server/net/tcp_connection.hpp"

namespace liverelay {

struct HttpTimeouts {
  int64_t header_ms = 10'000;  // from the first byte of a request to the end of its head and body
  int64_t idle_ms = 30'000;    // a kept-alive connection with no request
  int64_t send_ms = 30'000;    // a response the client does not read
};

// What a connection needs from its server.
class HttpConnectionHost {
 public:
  virtual ~HttpConnectionHost() = default;
  virtual HttpResponse handle(const HttpRequest& request) = 0;
  // An upgrade request: true when someone took the socket over (moved out of `tcp`), false to
  // answer it as plain HTTP. `rest`: bytes that followed the request head.
  virtual bool take_upgrade(const HttpRequest& request, std::unique_ptr<TcpConnection>& tcp,
                            std::span<const uint8_t> rest) = 0;
  // The connection is done; the host destroys it on a fresh call stack.
  virtual void finished(uint64_t id) = 0;
};

class HttpConnection {
 public:
  HttpConnection(uint64_t id, std::unique_ptr<TcpConnection> tcp, HttpConnectionHost& host,
                 const http::RequestLimits& limits, const HttpTimeouts& timeouts);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  void start(int64_t now_ms);
  // Closes the connection when a timeout has run out (called about once a second).
  void sweep(int64_t now_ms);
  void close(std::string_view reason);

  [[nodiscard]] uint64_t id() const { return id_; }

 private:
  void on_data(std::span<const uint8_t> bytes);
  void process();
  bool dispatch(http::ParsedRequest parsed, std::span<const uint8_t> after_head);
  void respond(const HttpRequest& request, const HttpResponse& response, bool keep_alive);
  // The route answers later: no further request is read until it has.
  void wait_for(const HttpRequest& request, const std::shared_ptr<PendingResponse>& pending, bool keep_alive);
  void send(const HttpRequest& request, const HttpResponse& response, bool keep_alive);
  void refuse(int status, std::string_view reason);
  void on_drained();

  uint64_t id_;
  std::unique_ptr<TcpConnection> tcp_;
  HttpConnectionHost& host_;
  HttpTimeouts timeouts_;
  http::RequestParser parser_;
  std::string peer_host_;
  std::string input_;  // bytes not parsed yet (a pipelined request behind a pending response)
  int64_t last_activity_ms_ = 0;
  int64_t request_started_ms_ = 0;
  bool waiting_for_drain_ = false;
  std::shared_ptr<PendingResponse> pending_;  // the response a route will give later
  bool done_ = false;
};

}  // namespace liverelay
