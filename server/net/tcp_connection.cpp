// TcpConnection: libuv reads and writes with the handle's lifetime detached from the owner's.
#include "server/net/tcp_connection.hpp"

#include <array>
#include <cstring>
#include <memory>

#include "server/net/endpoint.hpp"

namespace liverelay {
namespace {

// A write that did not go out at once: its own copy of the bytes, freed by the write callback.
struct PendingWrite {
  uv_write_t request{};
  std::vector<uint8_t> bytes;
};

void free_handle(uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); }

// Reads are consumed synchronously inside the read callback, so one buffer serves every
// connection of the (single-threaded) loop.
std::array<char, 64 * 1024> g_read_buffer;

}  // namespace

std::string peer_address_of(const uv_tcp_t* handle) {
  sockaddr_storage address{};
  int length = sizeof(address);
  if (uv_tcp_getpeername(handle, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "?";
  return Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&address)).to_string();
}

TcpConnection::TcpConnection(uv_tcp_t* handle) : handle_(handle), peer_address_(peer_address_of(handle)) {
  handle_->data = this;
  uv_tcp_nodelay(handle_, 1);
}

TcpConnection::~TcpConnection() { close(); }

void TcpConnection::start(DataCallback on_data, ClosedCallback on_closed) {
  on_data_ = std::move(on_data);
  on_closed_ = std::move(on_closed);
  uv_read_start(reinterpret_cast<uv_stream_t*>(handle_), on_alloc, on_read);
}

void TcpConnection::on_alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  *buf = uv_buf_init(g_read_buffer.data(), static_cast<unsigned>(g_read_buffer.size()));
}

void TcpConnection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<TcpConnection*>(stream->data);
  if (self == nullptr || nread == 0) return;
  if (nread < 0) {
    self->fail(nread == UV_EOF ? "closed by peer" : uv_strerror(static_cast<int>(nread)));
    return;
  }
  self->bytes_in_ += static_cast<uint64_t>(nread);
  // Last statement: the owner may destroy this connection inside the callback.
  self->on_data_({reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread)});
}

void TcpConnection::write(std::span<const uint8_t> bytes) {
  if (handle_ == nullptr || bytes.empty()) return;
  auto* stream = reinterpret_cast<uv_stream_t*>(handle_);
  size_t sent = 0;
  if (queued_bytes_ == 0) {  // keep order: never jump ahead of queued bytes
    uv_buf_t buf = uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(bytes.data())),
                               static_cast<unsigned>(bytes.size()));
    int written = uv_try_write(stream, &buf, 1);
    if (written > 0) sent = static_cast<size_t>(written);
    else if (written != UV_EAGAIN && written < 0) return;  // the read side reports the failure
  }
  bytes_out_ += sent;
  if (sent == bytes.size()) return;
  auto pending = std::make_unique<PendingWrite>();
  pending->bytes.assign(bytes.begin() + static_cast<std::ptrdiff_t>(sent), bytes.end());
  pending->request.data = pending.get();
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(pending->bytes.data()),
                             static_cast<unsigned>(pending->bytes.size()));
  if (uv_write(&pending->request, stream, &buf, 1, on_write) == 0) {
    queued_bytes_ += pending->bytes.size();
    pending.release();  // owned by the request until on_write
  }
}

void TcpConnection::on_write(uv_write_t* request, int status) {
  std::unique_ptr<PendingWrite> pending(static_cast<PendingWrite*>(request->data));
  auto* self = static_cast<TcpConnection*>(request->handle->data);
  if (self == nullptr) return;
  self->queued_bytes_ -= pending->bytes.size();
  if (status == 0) self->bytes_out_ += pending->bytes.size();
}

void TcpConnection::close_after_flush() {
  if (handle_ == nullptr) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(handle_));
  auto* request = new uv_shutdown_t{};
  uv_tcp_t* handle = handle_;
  handle_->data = nullptr;
  handle_ = nullptr;
  int rc = uv_shutdown(request, reinterpret_cast<uv_stream_t*>(handle), [](uv_shutdown_t* req, int) {
    uv_close(reinterpret_cast<uv_handle_t*>(req->handle), free_handle);
    delete req;
  });
  if (rc != 0) {
    delete request;
    uv_close(reinterpret_cast<uv_handle_t*>(handle), free_handle);
  }
}

void TcpConnection::close() {
  if (handle_ == nullptr) return;
  handle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), free_handle);
  handle_ = nullptr;
}

void TcpConnection::fail(std::string_view reason) {
  close();
  if (on_closed_) on_closed_(reason);
}

}  // namespace liverelay
