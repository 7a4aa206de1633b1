// UdpSocket: libuv's uv_udp_t with a single receive buffer and synchronous sends.
#include "server/net/udp_socket.hpp"

#include <fmt/format.h>

#include <memory>

#include "server/net/uv_handles.hpp"
namespace liverelay {
namespace {

// Media bursts (a keyframe is hundreds of packets) must not overflow the kernel's buffers.
constexpr int kSocketBufferBytes = 4 * 1024 * 1024;

}  // namespace

Result<std::unique_ptr<UdpSocket>> UdpSocket::bind(uv_loop_t* loop, const Endpoint& endpoint,
                                                   DatagramHandler on_datagram) {
  auto address = endpoint.to_sockaddr();
  if (!address) return tl::unexpected(address.error());
  auto* handle = new uv_udp_t{};
  uv_udp_init(loop, handle);
  int rc = uv_udp_bind(handle, reinterpret_cast<const sockaddr*>(&*address), 0);
  if (rc != 0) {
    close_and_delete(handle);
    return fail(Errc::io, fmt::format("bind UDP {}: {}", endpoint.to_string(), uv_strerror(rc)));
  }
  int size = kSocketBufferBytes;
  uv_send_buffer_size(reinterpret_cast<uv_handle_t*>(handle), &size);  // best effort: capped by rmem/wmem_max
  size = kSocketBufferBytes;
  uv_recv_buffer_size(reinterpret_cast<uv_handle_t*>(handle), &size);
  auto socket = std::unique_ptr<UdpSocket>(new UdpSocket(handle, std::move(on_datagram)));
  rc = uv_udp_recv_start(handle, on_alloc, on_receive);
  if (rc != 0) return fail(Errc::io, fmt::format("read UDP {}: {}", endpoint.to_string(), uv_strerror(rc)));
  return socket;
}

UdpSocket::UdpSocket(uv_udp_t* handle, DatagramHandler on_datagram)
    : handle_(handle), on_datagram_(std::move(on_datagram)) {
  handle_->data = this;
}

UdpSocket::~UdpSocket() {
  uv_udp_recv_stop(handle_);
  handle_->data = nullptr;
  close_and_delete(handle_);
}

bool UdpSocket::send(std::span<const uint8_t> datagram, const sockaddr* to) {
  uv_buf_t buffer = uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(datagram.data())),
                                static_cast<unsigned>(datagram.size()));
  if (uv_udp_try_send(handle_, &buffer, 1, to) >= 0) return true;
  ++send_drops_;
  return false;
}

Endpoint UdpSocket::local_endpoint() const {
  sockaddr_storage address{};
  int length = sizeof(address);
  uv_udp_getsockname(handle_, reinterpret_cast<sockaddr*>(&address), &length);
  return Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&address));
}

void UdpSocket::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buffer) {
  auto* self = static_cast<UdpSocket*>(handle->data);
  if (self == nullptr) {
    *buffer = uv_buf_init(nullptr, 0);
    return;
  }
  *buffer = uv_buf_init(reinterpret_cast<char*>(self->buffer_.data()), static_cast<unsigned>(self->buffer_.size()));
}

void UdpSocket::on_receive(uv_udp_t* handle, ssize_t size, const uv_buf_t* buffer, const sockaddr* from,
                           unsigned flags) {
  auto* self = static_cast<UdpSocket*>(handle->data);
  // size 0 with no address: libuv has nothing more to read now; errors on UDP are per datagram.
  if (self == nullptr || size <= 0 || from == nullptr) return;
  if ((flags & UV_UDP_PARTIAL) != 0) {
    ++self->truncated_;
    return;
  }
  self->on_datagram_(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(buffer->base), static_cast<size_t>(size)),
                     from);
}

}  // namespace liverelay
