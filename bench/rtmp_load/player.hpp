// One RTMP player of the load: a TCP connection on the loop running a ClientSession (play),
// counting what arrives and when the first video frame did.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <uv.h>

#include "client_socket.hpp"
#include "protocol/rtmp/client_session.hpp"
#include "protocol/rtmp/url.hpp"

namespace rtmp_load {

struct PlayerFigures {
  std::optional<double> first_frame_ms;  // from connect() to the first video frame
  uint64_t video_frames = 0;
  uint64_t audio_frames = 0;
  uint64_t bytes = 0;
  std::string error;  // empty while fine
};

class Player final : private ClientSocket::Listener {
 public:
  Player(uv_loop_t* loop, const liverelay::rtmp::Url& url, uint64_t seed);
  Player(const Player&) = delete;
  Player& operator=(const Player&) = delete;
  ~Player();

  void start();
  void stop();
  [[nodiscard]] const PlayerFigures& figures() const { return figures_; }

 private:
  void on_connected() override { flush(); }
  void on_data(std::span<const uint8_t> bytes) override;
  void on_failed(std::string reason) override;
  void flush() { socket_.write(session_.take_output()); }

  liverelay::rtmp::Url url_;
  liverelay::rtmp::ClientSession session_;
  ClientSocket socket_;
  uint64_t started_ns_ = 0;
  PlayerFigures figures_;
};

}  // namespace rtmp_load
