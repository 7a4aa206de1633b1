// Player: feeds what its ClientSocket reads to the session and counts the media that comes out.
#include "player.hpp"

namespace rtmp_load {
namespace {

// A player reads media, in bursts: the server replays its GOP cache at the join.
constexpr size_t kReadBufferBytes = 256 * 1024;

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

}  // namespace

Player::Player(uv_loop_t* loop, const liverelay::rtmp::Url& url, uint64_t seed)
    : url_(url), session_(play_options(url, seed)), socket_(loop, {.read_buffer_bytes = kReadBufferBytes}, *this) {}

Player::~Player() { stop(); }

void Player::start() {
  started_ns_ = uv_hrtime();
  socket_.connect(url_.host, url_.port);
}

void Player::stop() { socket_.close(); }

void Player::on_data(std::span<const uint8_t> bytes) {
  figures_.bytes += bytes.size();
  if (auto fed = session_.feed(bytes); !fed) {
    on_failed(fed.error().message);
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
      on_failed(status->code);
      return;
    }
  }
  flush();
}

void Player::on_failed(std::string reason) {
  if (figures_.error.empty()) figures_.error = std::move(reason);
  stop();
}

}  // namespace rtmp_load
