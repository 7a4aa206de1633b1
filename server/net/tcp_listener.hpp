// A listening TCP socket on the loop that hands each accepted connection to a callback.
#pragma once

#include <functional>
#include <memory>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/net/endpoint.hpp"

namespace liverelay {

class TcpListener {
 public:
  // Receives an initialised, accepted handle and owns it from then on (see TcpConnection).
  using AcceptCallback = std::function<void(uv_tcp_t* accepted)>;

  static Result<std::unique_ptr<TcpListener>> listen(uv_loop_t* loop, const Endpoint& endpoint,
                                                     AcceptCallback on_accept);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // The bound address (the real port when the endpoint asked for port 0).
  [[nodiscard]] Endpoint local_endpoint() const;

 private:
  TcpListener(uv_tcp_t* handle, AcceptCallback on_accept);
  static void on_connection(uv_stream_t* server, int status);

  uv_tcp_t* handle_;
  AcceptCallback on_accept_;
};

}  // namespace liverelay
