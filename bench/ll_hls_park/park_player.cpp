// One parked player: TCP on libuv, a GET at a time, the answer timed as soon as it is read.
#include "park_player.hpp"

#include "park_thread.hpp"
#include "ws_load/proc_stats.hpp"

namespace ll_hls_park {
namespace {

struct WriteRequest {
  uv_write_t request;
  std::string bytes;
};

}  // namespace

ParkPlayer::ParkPlayer(ParkThread& thread, uint32_t id) : thread_(thread), id_(id) {}

ParkPlayer::~ParkPlayer() {
  close_handle();
}

void ParkPlayer::connect() {
  tcp_ = new uv_tcp_t;
  uv_tcp_init(thread_.loop(), tcp_);
  tcp_->data = this;
  uv_tcp_nodelay(tcp_, 1);  // one small request per round: sent at once, not held by Nagle
  auto* request = new uv_connect_t;
  state_ = State::kConnecting;
  int error = uv_tcp_connect(request, tcp_, reinterpret_cast<const sockaddr*>(&thread_.options().address),
                             &ParkPlayer::on_connect);
  if (error != 0) {
    delete request;
    fail(std::string("connect: ") + uv_err_name(error));
  }
}

void ParkPlayer::on_connect(uv_connect_t* request, int status) {
  auto* self = static_cast<ParkPlayer*>(request->handle->data);
  delete request;
  if (self == nullptr) return;  // closed while connecting
  if (status != 0) return self->fail(std::string("connect: ") + uv_err_name(status));
  self->state_ = State::kReady;
  uv_read_start(reinterpret_cast<uv_stream_t*>(self->tcp_), &ParkPlayer::on_alloc, &ParkPlayer::on_read);
  self->thread_.on_connected(*self);
}

void ParkPlayer::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  // One buffer per loop: every read is consumed (or its tail copied) before the next one.
  auto* self = static_cast<ParkPlayer*>(handle->data);
  *buf = self != nullptr ? self->thread_.read_buffer() : uv_buf_init(nullptr, 0);
}

void ParkPlayer::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<ParkPlayer*>(stream->data);
  if (self == nullptr || nread == 0) return;
  // The clock first: parsing and the thread's bookkeeping are not the server's time.
  self->read_ns_ = ws_load::monotonic_ns();
  if (nread < 0) {
    return self->fail(nread == UV_EOF ? "closed by the server"
                                      : std::string("read: ") + uv_err_name(static_cast<int>(nread)));
  }
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread));
  if (!self->reader_.feed(bytes, [self](const HttpResponse& response) { self->on_response(response); })) {
    self->fail("bad response: " + self->reader_.error());
  }
}

void ParkPlayer::on_response(const HttpResponse& response) {
  if (state_ == State::kClosed) return;  // failed earlier in the same read
  if (state_ != State::kWaiting) return fail("an answer to no request");
  if (response.status != 200) return fail("HTTP " + std::to_string(response.status));
  if (measured_) deliveries_.push_back({*waiting_for_, sent_ns_, read_ns_});
  if (!response.keep_alive) return fail("Connection: close from the server");
  body_.assign(response.body);
  state_ = State::kReady;
  thread_.on_answered(*this);
}

void ParkPlayer::request(const std::string& target, std::optional<PartId> part, bool measured) {
  if (state_ != State::kReady) return;
  waiting_for_ = part;
  measured_ = measured && part.has_value();
  ++requests_sent_;
  state_ = State::kWaiting;
  sent_ns_ = ws_load::monotonic_ns();
  write("GET " + target + " HTTP/1.1\r\nHost: " + thread_.options().host_port + "\r\n\r\n");
}

void ParkPlayer::write(std::string_view bytes) {
  if (tcp_ == nullptr) return;
  uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes.data()), static_cast<unsigned>(bytes.size()));
  int written = uv_try_write(reinterpret_cast<uv_stream_t*>(tcp_), &buf, 1);
  if (written == static_cast<int>(bytes.size())) return;
  if (written < 0 && written != UV_EAGAIN) return fail(std::string("write: ") + uv_err_name(written));
  // Queue only what the socket did not take.
  auto* pending =
      new WriteRequest{{}, std::string(bytes.substr(written > 0 ? static_cast<size_t>(written) : 0))};
  uv_buf_t rest = uv_buf_init(pending->bytes.data(), static_cast<unsigned>(pending->bytes.size()));
  uv_write(&pending->request, reinterpret_cast<uv_stream_t*>(tcp_), &rest, 1, [](uv_write_t* request, int) {
    delete reinterpret_cast<WriteRequest*>(request);  // request is the first member
  });
}

void ParkPlayer::fail(const std::string& reason) {
  State was = state_;
  if (was == State::kClosed) return;  // counted once
  close_handle();
  thread_.on_failed(*this, was, reason);
}

void ParkPlayer::close() {
  close_handle();
}

void ParkPlayer::close_handle() {
  state_ = State::kClosed;
  if (tcp_ == nullptr) return;
  tcp_->data = nullptr;  // a late callback finds no owner
  uv_close(reinterpret_cast<uv_handle_t*>(tcp_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); });
  tcp_ = nullptr;
}

}  // namespace ll_hls_park
