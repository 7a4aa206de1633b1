// TcpConnector: uv_getaddrinfo then uv_tcp_connect, with an owner that may leave at any time.
#include "server/net/tcp_connector.hpp"

#include <fmt/format.h>

#include <cstring>

#include "server/net/uv_handles.hpp"
namespace liverelay {

// Outlives the connector when it must: libuv still holds its requests until their callbacks.
struct TcpConnector::Attempt {
  TcpConnector* owner = nullptr;
  std::string host;
  uint16_t port = 0;
  uv_getaddrinfo_t resolve{};
  uv_connect_t connect{};
  uv_tcp_t* handle = nullptr;
  bool resolving = false;
};

namespace {

void close_tcp_handle(uv_tcp_t* handle) {
  auto* raw = reinterpret_cast<uv_handle_t*>(handle);
  if (!uv_is_closing(raw)) uv_close(raw, delete_uv_handle<uv_tcp_t>);
}

}  // namespace

TcpConnector::~TcpConnector() { cancel(); }

void TcpConnector::cancel() {
  if (attempt_ == nullptr) return;
  Attempt* attempt = attempt_;
  attempt_ = nullptr;
  attempt->owner = nullptr;
  // Both callbacks still come (with UV_ECANCELED) and free the attempt.
  if (attempt->resolving) {
    uv_cancel(reinterpret_cast<uv_req_t*>(&attempt->resolve));
  } else if (attempt->handle != nullptr) {
    close_tcp_handle(attempt->handle);
  }
}

void TcpConnector::connect(const std::string& host, uint16_t port, Callback done) {
  cancel();
  done_ = std::move(done);
  auto* attempt = new Attempt{this, host, port};
  attempt_ = attempt;
  sockaddr_storage address{};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&address)) == 0 ||
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&address)) == 0) {
    start_connect(attempt, reinterpret_cast<const sockaddr*>(&address));
    return;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  attempt->resolve.data = attempt;
  attempt->resolving = true;
  const int rc = uv_getaddrinfo(loop_, &attempt->resolve, on_resolved, host.c_str(), nullptr, &hints);
  if (rc != 0) {
    attempt_ = nullptr;
    delete attempt;
    finish(fail(Errc::io, fmt::format("resolve {}: {}", host, uv_strerror(rc))));
  }
}

void TcpConnector::on_resolved(uv_getaddrinfo_t* request, int status, addrinfo* result) {
  auto* attempt = static_cast<Attempt*>(request->data);
  attempt->resolving = false;
  TcpConnector* owner = attempt->owner;
  if (owner == nullptr || status != 0 || result == nullptr) {
    if (result != nullptr) uv_freeaddrinfo(result);
    const std::string host = attempt->host;
    delete attempt;
    if (owner != nullptr) {
      owner->attempt_ = nullptr;
      owner->finish(fail(Errc::io, fmt::format("resolve {}: {}", host,
                                               uv_strerror(status != 0 ? status : UV_EAI_NONAME))));
    }
    return;
  }
  sockaddr_storage address{};
  std::memcpy(&address, result->ai_addr, result->ai_addrlen);
  uv_freeaddrinfo(result);
  if (address.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&address)->sin_port = htons(attempt->port);
  } else {
    reinterpret_cast<sockaddr_in6*>(&address)->sin6_port = htons(attempt->port);
  }
  owner->start_connect(attempt, reinterpret_cast<const sockaddr*>(&address));
}

void TcpConnector::start_connect(Attempt* attempt, const sockaddr* address) {
  attempt->handle = new uv_tcp_t{};
  uv_tcp_init(loop_, attempt->handle);
  attempt->connect.data = attempt;
  const int rc = uv_tcp_connect(&attempt->connect, attempt->handle, address, on_connected);
  if (rc != 0) {
    close_tcp_handle(attempt->handle);
    const std::string target = fmt::format("{}:{}", attempt->host, attempt->port);
    attempt_ = nullptr;
    delete attempt;
    finish(fail(Errc::io, fmt::format("connect {}: {}", target, uv_strerror(rc))));
  }
}

void TcpConnector::on_connected(uv_connect_t* request, int status) {
  auto* attempt = static_cast<Attempt*>(request->data);
  TcpConnector* owner = attempt->owner;
  uv_tcp_t* handle = attempt->handle;
  const std::string target = fmt::format("{}:{}", attempt->host, attempt->port);
  delete attempt;
  if (owner == nullptr || status != 0) {
    close_tcp_handle(handle);
    if (owner != nullptr) {
      owner->attempt_ = nullptr;
      owner->finish(fail(Errc::io, fmt::format("connect {}: {}", target, uv_strerror(status))));
    }
    return;
  }
  owner->attempt_ = nullptr;
  uv_tcp_nodelay(handle, 1);
  owner->finish(handle);
}

void TcpConnector::finish(Result<uv_tcp_t*> outcome) {
  // The callback may start the next attempt or destroy us: take it out first.
  Callback done = std::move(done_);
  done_ = nullptr;
  if (done) done(std::move(outcome));
}

}  // namespace liverelay
