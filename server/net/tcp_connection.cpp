// TcpConnection: libuv reads and writes with the handle's lifetime detached from the owner's.
#include "server/net/tcp_connection.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include <sys/sendfile.h>
#include <sys/socket.h>

#include "server/net/endpoint.hpp"

namespace liverelay {
namespace {

// A write that did not go out at once: what remains of it, as copies or shared owners, freed
// by the write callback.
struct PendingWrite {
  uv_write_t request{};
  std::vector<uv_buf_t> buffers;
  std::vector<std::vector<uint8_t>> copies;  // reserved up front: buffers point into them
  std::vector<std::shared_ptr<const void>> owners;
  size_t size = 0;
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
  resume_reading();
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
  const OutgoingPart part{bytes, nullptr};
  write_parts({&part, 1});
}

void TcpConnection::write_parts(std::span<const OutgoingPart> parts) {
  if (handle_ == nullptr || parts.empty()) return;
  auto* stream = reinterpret_cast<uv_stream_t*>(handle_);
  size_t total = 0;
  std::vector<uv_buf_t> buffers;
  buffers.reserve(parts.size());
  for (const auto& part : parts) {
    buffers.push_back(uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(part.bytes.data())),
                                  static_cast<unsigned>(part.bytes.size())));
    total += part.bytes.size();
  }
  if (total == 0) return;
  size_t sent = 0;
  if (queued_bytes_ == 0) {  // keep order: never jump ahead of queued bytes
    int written = uv_try_write(stream, buffers.data(), static_cast<unsigned>(buffers.size()));
    if (written > 0) sent = static_cast<size_t>(written);
    else if (written != UV_EAGAIN && written < 0) return;  // the read side reports the failure
  }
  bytes_out_ += sent;
  if (sent == total) return;

  auto pending = std::make_unique<PendingWrite>();
  pending->copies.reserve(parts.size());
  size_t skip = sent;
  for (const auto& part : parts) {
    if (skip >= part.bytes.size()) {
      skip -= part.bytes.size();
      continue;
    }
    const auto rest = part.bytes.subspan(skip);
    skip = 0;
    const uint8_t* at = rest.data();
    if (part.owner) {
      pending->owners.push_back(part.owner);
    } else {
      at = pending->copies.emplace_back(rest.begin(), rest.end()).data();
    }
    pending->buffers.push_back(uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(at)),
                                           static_cast<unsigned>(rest.size())));
    pending->size += rest.size();
  }
  pending->request.data = pending.get();
  if (uv_write(&pending->request, stream, pending->buffers.data(), static_cast<unsigned>(pending->buffers.size()),
               on_write) == 0) {
    queued_bytes_ += pending->size;
    pending.release();  // owned by the request until on_write
  }
}

void TcpConnection::write_with_file(std::span<const uint8_t> head, const FileBody& body) {
  if (handle_ == nullptr) return;
  size_t head_sent = 0;
  size_t body_sent = 0;
  const int socket = fd();
  if (queued_bytes_ == 0 && body.fd >= 0 && socket >= 0) {
    // MSG_MORE: the head leaves in the same segment as the file's first bytes.
    const ssize_t n = ::send(socket, head.data(), head.size(), MSG_MORE | MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) head_sent = static_cast<size_t>(n);
    if (head_sent == head.size()) {
      off_t offset = 0;
      while (static_cast<size_t>(offset) < body.bytes.size()) {
        const ssize_t m = ::sendfile(socket, body.fd, &offset, body.bytes.size() - static_cast<size_t>(offset));
        if (m < 0 && errno == EINTR) continue;
        if (m <= 0) break;  // full (EAGAIN) or failed: the queue takes the rest, the read side reports errors
      }
      body_sent = static_cast<size_t>(offset);
    }
  }
  bytes_out_ += head_sent + body_sent;
  const OutgoingPart rest[2] = {{head.subspan(head_sent), nullptr}, {body.bytes.subspan(body_sent), body.owner}};
  write_parts(rest);
}

void TcpConnection::on_write(uv_write_t* request, int status) {
  std::unique_ptr<PendingWrite> pending(static_cast<PendingWrite*>(request->data));
  auto* self = static_cast<TcpConnection*>(request->handle->data);
  if (self == nullptr) return;
  self->queued_bytes_ -= pending->size;
  if (status == 0) self->bytes_out_ += pending->size;
  // Last statement: the owner may destroy this connection inside the callback.
  if (self->queued_bytes_ == 0 && status == 0 && self->on_drained_) self->on_drained_();
}

void TcpConnection::pause_reading() {
  if (handle_ == nullptr || !reading_) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(handle_));
  reading_ = false;
}

void TcpConnection::resume_reading() {
  if (handle_ == nullptr || reading_) return;
  uv_read_start(reinterpret_cast<uv_stream_t*>(handle_), on_alloc, on_read);
  reading_ = true;
}

uv_os_fd_t TcpConnection::fd() const {
  uv_os_fd_t fd = -1;
  if (handle_ != nullptr) uv_fileno(reinterpret_cast<const uv_handle_t*>(handle_), &fd);
  return fd;
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
