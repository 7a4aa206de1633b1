// An outgoing TCP connection on the loop (push relays, edge pulls): resolve, then connect.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <uv.h>

#include "protocol/core/error.hpp"

namespace liverelay {

// One attempt at a time. The name is resolved on libuv's thread pool (an address skips that).
// Destroying the connector cancels the attempt: the callback never comes, and whatever the
// attempt still holds is freed when libuv hands it back.
class TcpConnector {
 public:
  // On success the callee owns the connected handle (give it to a TcpConnection).
  using Callback = std::function<void(Result<uv_tcp_t*> connected)>;

  explicit TcpConnector(uv_loop_t* loop) : loop_(loop) {}
  ~TcpConnector();
  TcpConnector(const TcpConnector&) = delete;
  TcpConnector& operator=(const TcpConnector&) = delete;

  // Starts connecting to host:port; an attempt already running is cancelled first.
  void connect(const std::string& host, uint16_t port, Callback done);
  void cancel();
  [[nodiscard]] bool connecting() const { return attempt_ != nullptr; }

 private:
  struct Attempt;
  static void on_resolved(uv_getaddrinfo_t* request, int status, addrinfo* result);
  static void on_connected(uv_connect_t* request, int status);
  void start_connect(Attempt* attempt, const sockaddr* address);
  void finish(Result<uv_tcp_t*> outcome);

  uv_loop_t* loop_;
  Attempt* attempt_ = nullptr;
  Callback done_;
};

}  // namespace liverelay
