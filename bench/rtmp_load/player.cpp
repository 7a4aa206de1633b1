// Player: raw libuv (the load generator stays independent of server/), writes copied per call.
#include "player.hpp"

#include <cstring>
#include <vector>

namespace rtmp_load {
namespace {

liverelay::rtmp::ClientSessionOptions play_options(const liverelay::rtmp::Url& url, uint64_t seed) {
  liverelay::rtmp::ClientSessionOptions options;
  options.role = liverelay::rtmp::ClientRole::play;
  options.app = url.app;
  options.tc_url = url.tc_url();
  options.stream_name = url.stream_name;
  options.seed = seed;
  options.buffer_length_ms = 100;
  return options;
}

void free_handle(uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); }

struct WriteRequest {
  uv_write_t request;
  std::vector<uint8_t> bytes;
};

}  // namespace

Player::Player(uv_loop_t* loop, const liverelay::rtmp::Url& url, uint64_t seed)
    : loop_(loop), url_(url), session_(play_options(url, seed)) {}

Player::~Player() { stop(); }

void Player::start() {
  handle_ = new uv_tcp_t{};
  uv_tcp_init(loop_, handle_);
  handle_->data = this;
  connect_.data = this;
  sockaddr_in address{};
  uv_ip4_addr(url_.host.c_str(), url_.port, &address);
  started_ns_ = uv_hrtime();
  if (int rc = uv_tcp_connect(&connect_, handle_, reinterpret_cast<const sockaddr*>(&address), on_connect); rc != 0) {
    fail(uv_strerror(rc));
  }
}

void Player::stop() {
  if (handle_ == nullptr) return;
  handle_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle_), free_handle);
  handle_ = nullptr;
}

void Player::on_connect(uv_connect_t* request, int status) {
  auto* self = static_cast<Player*>(request->data);
  if (self == nullptr || self->handle_ == nullptr) return;
  if (status != 0) {
    self->fail(uv_strerror(status));
    return;
  }
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(self->handle_),
      [](uv_handle_t*, size_t, uv_buf_t* buf) {
        static thread_local std::vector<char> buffer(256 * 1024);
        *buf = uv_buf_init(buffer.data(), static_cast<unsigned>(buffer.size()));
      },
      on_read);
  self->flush();
}

void Player::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<Player*>(stream->data);
  if (self == nullptr) return;
  if (nread < 0) {
    self->fail(nread == UV_EOF ? "closed by the server" : uv_strerror(static_cast<int>(nread)));
    return;
  }
  self->on_data(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread));
}

void Player::on_data(const uint8_t* bytes, size_t size) {
  figures_.bytes += size;
  if (auto fed = session_.feed({bytes, size}); !fed) {
    fail(fed.error().message);
    return;
  }
  while (auto event = session_.next_event()) {
    if (auto* media = std::get_if<liverelay::rtmp::RemoteMedia>(&*event)) {
      if (media->type == liverelay::rtmp::MessageType::video) {
        // Sequence headers (AVC packet type 0) are not frames.
        const bool header = media->payload.size() > 1 && media->payload[1] == 0 && (media->payload[0] & 0x0F) == 7;
        if (header) continue;
        if (!figures_.first_frame_ms) figures_.first_frame_ms = static_cast<double>(uv_hrtime() - started_ns_) / 1e6;
        ++figures_.video_frames;
      } else {
        ++figures_.audio_frames;
      }
    } else if (auto* status = std::get_if<liverelay::rtmp::StatusReceived>(&*event); status && status->fatal) {
      fail(status->code);
      return;
    }
  }
  flush();
}

void Player::flush() {
  auto out = session_.take_output();
  if (out.empty() || handle_ == nullptr) return;
  auto* write = new WriteRequest{{}, std::move(out)};
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(write->bytes.data()), static_cast<unsigned>(write->bytes.size()));
  uv_write(&write->request, reinterpret_cast<uv_stream_t*>(handle_), &buf, 1,
           [](uv_write_t* request, int) { delete reinterpret_cast<WriteRequest*>(request); });
}

void Player::fail(std::string reason) {
  if (figures_.error.empty()) figures_.error = std::move(reason);
  stop();
}

}  // namespace rtmp_load
