// A listening TCP socket on the loop that hands each accepted connection to a callback.
#pragma once

#include <functional>
#include <memory>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/net/connection_limiter.hpp"
#include "server/net/endpoint.hpp"

namespace liverelay {

class TcpListener {
 public:
  // Receives an initialised, accepted handle and owns it from then on (see TcpConnection),
  // with its place among the connections (to keep as long as the socket is open).
  using AcceptCallback = std::function<void(uv_tcp_t* accepted, ConnectionSlot slot)>;

  // With a `limiter` (which outlives the listener), a connection it refuses is closed at once
  // and never reaches `on_accept`.
  static Result<std::unique_ptr<TcpListener>> listen(uv_loop_t* loop, const Endpoint& endpoint,
                                                     AcceptCallback on_accept, ConnectionLimiter* limiter = nullptr);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // The bound address (the real port when the endpoint asked for port 0).
  [[nodiscard]] Endpoint local_endpoint() const;

 private:
  TcpListener(uv_tcp_t* handle, AcceptCallback on_accept, ConnectionLimiter* limiter);
  static void on_connection(uv_stream_t* server, int status);

  uv_tcp_t* handle_;
  AcceptCallback on_accept_;
  ConnectionLimiter* limiter_;
};

}  // namespace liverelay
