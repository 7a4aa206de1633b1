// TcpListener: bind, listen and accept with libuv.
#include "server/net/tcp_listener.hpp"

#include <fmt/format.h>

#include "server/net/tcp_connection.hpp"
#include "server/net/uv_handles.hpp"

namespace liverelay {
namespace {

// Hundreds of viewers connecting at once (a stream announced to an audience) must not wait for
// the kernel's SYN retries: the kernel caps this at net.core.somaxconn.
constexpr int kListenBacklog = 1024;

}  // namespace

Result<std::unique_ptr<TcpListener>> TcpListener::listen(uv_loop_t* loop, const Endpoint& endpoint,
                                                         AcceptCallback on_accept, ConnectionLimiter* limiter) {
  auto address = endpoint.to_sockaddr();
  if (!address) return tl::unexpected(address.error());
  auto* handle = new uv_tcp_t{};
  uv_tcp_init(loop, handle);
  int rc = uv_tcp_bind(handle, reinterpret_cast<const sockaddr*>(&*address), 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(handle), kListenBacklog, on_connection);
  if (rc != 0) {
    close_and_delete(handle);
    return fail(Errc::io, fmt::format("listen on {}: {}", endpoint.to_string(), uv_strerror(rc)));
  }
  return std::unique_ptr<TcpListener>(new TcpListener(handle, std::move(on_accept), limiter));
}

TcpListener::TcpListener(uv_tcp_t* handle, AcceptCallback on_accept, ConnectionLimiter* limiter)
    : handle_(handle), on_accept_(std::move(on_accept)), limiter_(limiter) {
  handle_->data = this;
}

TcpListener::~TcpListener() {
  handle_->data = nullptr;
  close_and_delete(handle_);
}

Endpoint TcpListener::local_endpoint() const {
  sockaddr_storage address{};
  int length = sizeof(address);
  uv_tcp_getsockname(handle_, reinterpret_cast<sockaddr*>(&address), &length);
  return Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&address));
}

void TcpListener::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<TcpListener*>(server->data);
  if (self == nullptr || status < 0) return;
  auto* client = new uv_tcp_t{};
  uv_tcp_init(server->loop, client);
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(client)) != 0) {
    close_and_delete(client);
    return;
  }
  ConnectionSlot slot;
  if (self->limiter_ != nullptr) {
    auto admitted = self->limiter_->admit(peer_endpoint_of(client).host);
    if (!admitted) {
      // Accepted to be closed: left in the backlog it would wake the loop again and again.
      close_and_delete(client);
      return;
    }
    slot = std::move(*admitted);
  }
  self->on_accept_(client, std::move(slot));
}

}  // namespace liverelay
