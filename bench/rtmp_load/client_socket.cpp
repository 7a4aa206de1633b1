// ClientSocket: the handle is allocated on its own and freed in its close callback, and the connect
// request on its own too, so the owner can be destroyed at once (STYLE.md, handles and ownership).
#include "client_socket.hpp"

namespace rtmp_load {
namespace {

void free_handle(uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); }

struct WriteRequest {
  uv_write_t request;
  std::vector<uint8_t> bytes;
};

}  // namespace

ClientSocket::ClientSocket(uv_loop_t* loop, Options options, Listener& listener)
    : loop_(loop), options_(options), listener_(listener) {}

void ClientSocket::connect(const std::string& host, uint16_t port) {
  handle_ = new uv_tcp_t{};
  uv_tcp_init(loop_, handle_);
  if (options_.no_delay) uv_tcp_nodelay(handle_, 1);
  handle_->data = this;
  sockaddr_in address{};
  uv_ip4_addr(host.c_str(), port, &address);
  auto* request = new uv_connect_t{};
  if (int rc = uv_tcp_connect(request, handle_, reinterpret_cast<const sockaddr*>(&address), on_connect); rc != 0) {
    delete request;
    listener_.on_failed(uv_strerror(rc));
  }
}

void ClientSocket::close() {
  if (handle_ == nullptr) return;
  handle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), free_handle);
  handle_ = nullptr;
}

// Runs after close() too (status UV_ECANCELED): the handle's data, not the request's, says whether
// anyone still listens.
void ClientSocket::on_connect(uv_connect_t* request, int status) {
  auto* self = static_cast<ClientSocket*>(request->handle->data);
  delete request;
  if (self == nullptr) return;
  if (status != 0) {
    self->listener_.on_failed(uv_strerror(status));
    return;
  }
  uv_read_start(reinterpret_cast<uv_stream_t*>(self->handle_), on_alloc, on_read);
  self->listener_.on_connected();
}

// One buffer for every socket of the thread: each read is handed to on_data before the next.
void ClientSocket::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  static thread_local std::vector<char> buffer;
  const auto* self = static_cast<const ClientSocket*>(handle->data);
  if (self == nullptr) {  // an empty buffer makes libuv report UV_ENOBUFS to on_read, which ignores it
    *buf = uv_buf_init(nullptr, 0);
    return;
  }
  const size_t size = self->options_.read_buffer_bytes;
  if (buffer.size() < size) buffer.resize(size);
  *buf = uv_buf_init(buffer.data(), static_cast<unsigned>(size));
}

void ClientSocket::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<ClientSocket*>(stream->data);
  if (self == nullptr) return;
  if (nread < 0) {
    self->listener_.on_failed(nread == UV_EOF ? "closed by the server" : uv_strerror(static_cast<int>(nread)));
    return;
  }
  self->listener_.on_data({reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread)});
}

void ClientSocket::write(std::vector<uint8_t> bytes) {
  if (bytes.empty() || handle_ == nullptr) return;
  auto* stream = reinterpret_cast<uv_stream_t*>(handle_);
  size_t sent = 0;
  // Only with nothing queued: bytes tried now would overtake the queue.
  if (uv_stream_get_write_queue_size(stream) == 0) {
    uv_buf_t first = uv_buf_init(reinterpret_cast<char*>(bytes.data()), static_cast<unsigned>(bytes.size()));
    const int rc = uv_try_write(stream, &first, 1);
    if (rc < 0 && rc != UV_EAGAIN) {
      listener_.on_failed(uv_strerror(rc));
      return;
    }
    if (rc > 0) sent = static_cast<size_t>(rc);
  }
  if (sent == bytes.size()) return;
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<long>(sent));
  queue(std::move(bytes));
}

void ClientSocket::queue(std::vector<uint8_t> bytes) {
  auto* write = new WriteRequest{{}, std::move(bytes)};
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(write->bytes.data()), static_cast<unsigned>(write->bytes.size()));
  const int rc = uv_write(&write->request, reinterpret_cast<uv_stream_t*>(handle_), &buf, 1,
                          [](uv_write_t* request, int) { delete reinterpret_cast<WriteRequest*>(request); });
  if (rc != 0) {  // the callback will not run
    delete write;
    listener_.on_failed(uv_strerror(rc));
  }
}

size_t ClientSocket::queued_bytes() const {
  return handle_ != nullptr ? uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(handle_)) : 0;
}

}  // namespace rtmp_load
