// TcpConnection: libuv reads and writes with the handle's lifetime detached from the owner's.
#include "server/net/tcp_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "server/net/endpoint.hpp"
#include "server/net/traffic_counters.hpp"
#include "server/net/uv_handles.hpp"

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

// Reads are consumed synchronously inside the read callback, so one buffer serves every
// connection of the (single-threaded) loop.
std::array<char, 64 * 1024> g_read_buffer;

// TCP_CORK holds partial segments back until it is lifted (200 ms at most, tcp(7)): a response
// sent with sendfile() then leaves in full 64 KiB loopback segments, as nginx's `tcp_nopush`
// makes it, instead of a partial one at every pause of the file (measured: 16.1 segments per
// 683 KB response with TCP_NODELAY alone, 13.6 for nginx).
void set_cork(int socket, bool on) {
  if (socket < 0) return;
  const int value = on ? 1 : 0;
  ::setsockopt(socket, IPPROTO_TCP, TCP_CORK, &value, sizeof(value));
}

// A connection closing gracefully, after its owner is gone: queued bytes go out, then a FIN,
// and what the peer still sends is read and dropped until it closes too, so that the kernel
// does not answer unread bytes with a reset that would destroy our last words (an HTTP error,
// a WebSocket close frame) before the peer reads them. A deadline bounds all of it.
class ClosingConnection {
 public:
  static void finish_all() {
    while (!registry().empty()) registry().begin()->second->finish();
  }

  // The slot goes when the socket does: a peer lingering in a close still holds its place.
  static void begin(uv_tcp_t* handle, ConnectionSlot slot) {
    auto* closing = new ClosingConnection(handle, std::move(slot));
    auto* stream = reinterpret_cast<uv_stream_t*>(handle);
    uv_read_stop(stream);
    uv_read_start(stream, on_alloc, on_read);
    registry().emplace(stream, closing);
    auto* shutdown = new uv_shutdown_t{};
    if (uv_shutdown(shutdown, stream, [](uv_shutdown_t* request, int) { delete request; }) != 0) {
      delete shutdown;
      closing->finish();
    }
  }

 private:
  static constexpr uint64_t kDeadlineMs = 5000;

  ClosingConnection(uv_tcp_t* handle, ConnectionSlot slot)
      : handle_(handle), slot_(std::move(slot)), timer_(new uv_timer_t{}) {
    uv_timer_init(handle->loop, timer_);
    timer_->data = this;
    uv_timer_start(timer_, [](uv_timer_t* timer) { static_cast<ClosingConnection*>(timer->data)->finish(); },
                   kDeadlineMs, 0);
  }

  // The loop is single-threaded and few connections are closing at a time.
  static std::unordered_map<uv_stream_t*, ClosingConnection*>& registry() {
    static std::unordered_map<uv_stream_t*, ClosingConnection*> closing;
    return closing;
  }

  static void on_alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
    *buf = uv_buf_init(g_read_buffer.data(), static_cast<unsigned>(g_read_buffer.size()));
  }
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t*) {
    if (nread >= 0) return;  // dropped
    if (auto it = registry().find(stream); it != registry().end()) it->second->finish();
  }

  void finish() {
    registry().erase(reinterpret_cast<uv_stream_t*>(handle_));
    uv_timer_stop(timer_);
    close_and_delete(timer_);
    close_and_delete(handle_);  // cancels a write or shutdown still pending
    delete this;
  }

  uv_tcp_t* handle_;
  ConnectionSlot slot_;
  uv_timer_t* timer_;
};


}  // namespace

void close_lingering_connections() { ClosingConnection::finish_all(); }

Endpoint peer_endpoint_of(const uv_tcp_t* handle) {
  sockaddr_storage address{};
  int length = sizeof(address);
  if (uv_tcp_getpeername(handle, reinterpret_cast<sockaddr*>(&address), &length) != 0) return {"?", 0};
  return Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&address));
}

TcpConnection::TcpConnection(uv_tcp_t* handle, ConnectionSlot slot)
    : handle_(handle), slot_(std::move(slot)), peer_(peer_endpoint_of(handle)), peer_address_(peer_.to_string()) {
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
  traffic::count_in(static_cast<uint64_t>(nread));
  // Last statement: the owner may destroy this connection inside the callback, or hand it to a
  // new owner that installs its own callback (a WebSocket upgrade): call through a copy.
  const DataCallback on_data = self->on_data_;
  on_data({reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread)});
}

void TcpConnection::write(std::span<const uint8_t> bytes) {
  const OutgoingPart part{bytes, nullptr};
  write_parts({&part, 1});
}

void TcpConnection::write_parts(std::span<const OutgoingPart> parts) {
  if (handle_ == nullptr || parts.empty()) return;
  if (file_sender_) {  // keep the order: behind the file (a rare path: copies)
    for (const auto& part : parts) {
      after_file_.emplace_back(part.bytes.begin(), part.bytes.end());
      queued_bytes_ += part.bytes.size();
    }
    return;
  }
  auto* stream = reinterpret_cast<uv_stream_t*>(handle_);
  // Most writes have one or two parts: their buffer list lives on the stack.
  constexpr size_t kInline = 8;
  uv_buf_t inline_buffers[kInline];
  std::vector<uv_buf_t> heap_buffers;
  uv_buf_t* buffers = inline_buffers;
  if (parts.size() > kInline) {
    heap_buffers.resize(parts.size());
    buffers = heap_buffers.data();
  }
  size_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    buffers[i] = uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(parts[i].bytes.data())),
                             static_cast<unsigned>(parts[i].bytes.size()));
    total += parts[i].bytes.size();
  }
  if (total == 0) return;
  size_t sent = 0;
  if (queued_bytes_ == 0) {  // keep order: never jump ahead of queued bytes
    int written = uv_try_write(stream, buffers, static_cast<unsigned>(parts.size()));
    if (written > 0) sent = static_cast<size_t>(written);
    else if (written != UV_EAGAIN && written < 0) return;  // the read side reports the failure
  }
  bytes_out_ += sent;
  traffic::count_out(sent);
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
  bool socket_full = false;
  const int socket = fd();
  bool corked = false;
  if (queued_bytes_ == 0 && !file_sender_ && body.fd >= 0 && socket >= 0) {
    // Corked: the head leaves in the same segment as the file's first bytes, the body in full ones.
    set_cork(socket, true);
    corked = true;
    const ssize_t n = ::send(socket, head.data(), head.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) head_sent = static_cast<size_t>(n);
    if (head_sent == head.size()) {
      off_t offset = 0;
      while (static_cast<size_t>(offset) < body.bytes.size()) {
        const ssize_t m = ::sendfile(socket, body.fd, &offset, body.bytes.size() - static_cast<size_t>(offset));
        if (m < 0 && errno == EINTR) continue;
        socket_full = m < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        if (m <= 0) break;  // failed: the queue takes the rest, the read side reports the error
      }
      body_sent = static_cast<size_t>(offset);
    }
  }
  bytes_out_ += head_sent + body_sent;
  traffic::count_out(head_sent + body_sent);
  if (socket_full) {
    // The rest follows with sendfile() as the socket drains, not through a copy.
    const size_t queued = body.bytes.size() - body_sent;
    file_sender_ = FileSender::start(handle_->loop, socket, body.fd, body.bytes, static_cast<off_t>(body_sent),
                                     body.owner, [this, queued](bool ok, size_t sent) { on_file_sent(queued, ok, sent); });
    if (file_sender_) {
      queued_bytes_ += queued;
      return;  // still corked: on_file_sent() lifts it
    }
  }
  if (corked) set_cork(socket, false);  // the last partial segment goes now
  const OutgoingPart rest[2] = {{head.subspan(head_sent), nullptr}, {body.bytes.subspan(body_sent), body.owner}};
  write_parts(rest);
}

void TcpConnection::on_file_sent(size_t queued, bool ok, size_t sent) {
  queued_bytes_ -= queued;
  bytes_out_ += sent;
  traffic::count_out(sent);
  file_sender_.reset();
  set_cork(fd(), false);
  if (!ok) return;  // the read side reports the failure
  auto waiting = std::move(after_file_);
  after_file_.clear();
  for (const auto& bytes : waiting) {
    queued_bytes_ -= bytes.size();
    write(bytes);
  }
  // Last statement: the owner may destroy this connection inside the callback.
  if (queued_bytes_ == 0 && on_drained_) on_drained_();
}

void TcpConnection::on_write(uv_write_t* request, int status) {
  std::unique_ptr<PendingWrite> pending(static_cast<PendingWrite*>(request->data));
  // Counted even when the owner is gone: a closing connection's last words left too.
  if (status == 0) traffic::count_out(pending->size);
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

void TcpConnection::set_send_buffer_size(int bytes) {
  if (handle_ != nullptr) uv_send_buffer_size(reinterpret_cast<uv_handle_t*>(handle_), &bytes);
}

uv_os_fd_t TcpConnection::fd() const {
  uv_os_fd_t fd = -1;
  if (handle_ != nullptr) uv_fileno(reinterpret_cast<const uv_handle_t*>(handle_), &fd);
  return fd;
}

void TcpConnection::close_after_flush() {
  if (handle_ == nullptr) return;
  if (file_sender_) {  // what is left of the file goes through the queue, then the waiting writes
    const OutgoingPart rest{file_sender_->rest(), file_sender_->owner()};
    file_sender_.reset();
    set_cork(fd(), false);
    auto waiting = std::move(after_file_);
    after_file_.clear();
    queued_bytes_ = 0;
    write_parts({&rest, 1});
    for (const auto& bytes : waiting) write(bytes);
  }
  uv_tcp_t* handle = handle_;
  handle_->data = nullptr;  // pending write callbacks find no owner
  handle_ = nullptr;
  ClosingConnection::begin(handle, std::move(slot_));
}

void TcpConnection::close() {
  if (handle_ == nullptr) return;
  file_sender_.reset();
  after_file_.clear();
  handle_->data = nullptr;
  close_and_delete(handle_);
  handle_ = nullptr;
  slot_.reset();
}

void TcpConnection::fail(std::string_view reason) {
  close();
  if (on_closed_) on_closed_(reason);
}

}  // namespace liverelay
