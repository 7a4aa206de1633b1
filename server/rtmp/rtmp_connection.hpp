// One RTMP client connection: wires the sans-I/O ServerSession to its socket and its Stream.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "protocol/rtmp/server_session.hpp"
#include "server/net/tcp_connection.hpp"
#include "server/hooks/webhooks.hpp"
#include "server/net/timer.hpp"
#include "server/rtmp/rtmp_player.hpp"
#include "server/stream/publish_auth.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

// [limits] that each RTMP connection enforces.
struct RtmpLimits {
  uint64_t handshake_timeout_ms = 10'000;    // from accept to a complete handshake (C2 read)
  uint64_t publisher_idle_ms = 30'000;       // a publisher with no audio or video message this long
  uint32_t max_message_bytes = 8 * 1024 * 1024;  // a larger RTMP message closes the connection
  size_t max_streams = 1'000;                // live streams at once; past it a publish is refused
};

class RtmpConnection {
 public:
  // Called once when the connection is over. The owner destroys the connection later, on a
  // fresh call stack: callers up the stack may still touch it.
  using FinishedCallback = std::function<void(RtmpConnection&)>;

  // A peer that sends nothing for this long is dropped: a socket that never publishes nor plays
  // must not hold a file descriptor forever. A player (which sends little) is idle when it has
  // been sent no media for as long: its stream's publisher left and did not come back. A
  // publisher is idle on media alone (RtmpLimits::publisher_idle_ms): a stalled encoder that
  // still acknowledges must not hold its stream name.
  static constexpr uint64_t kIdleTimeoutMs = 30'000;
  // A player's kernel send buffer (SO_SNDBUF): small enough that a player that stops reading
  // shows up in our queue (and is skipped to the next keyframe) within about a second of
  // media, large enough for a fast player's bursts (a GOP on join goes to our queue anyway).
  static constexpr int kPlayerSendBuffer = 256 * 1024;

  // `limits` outlives the connection (its server's).
  RtmpConnection(uv_loop_t* loop, uint64_t id, std::unique_ptr<TcpConnection> socket,
                 StreamRegistry& registry, const PublishAuth& auth, Webhooks& hooks, TurnFlusher& flusher,
                 const RtmpLimits& limits, FinishedCallback on_finished);
  ~RtmpConnection();

  void start();
  // Ends the connection from our side (shutdown, kick).
  void close(std::string_view reason);

  [[nodiscard]] uint64_t id() const { return id_; }

 private:
  void on_data(std::span<const uint8_t> bytes);
  void drain_events();
  void on_publish(const rtmp::PublishRequested& request);
  void on_publish_hook(uint32_t stream_id, const std::string& name, Result<void> allowed);
  void start_publish(uint32_t stream_id, const std::string& name);
  [[nodiscard]] PublisherHookInfo hook_info(const std::string& name) const;
  void cancel_publish_hook();
  void refuse_busy(uint32_t stream_id, const std::string& name);
  bool refuse_if_full(uint32_t stream_id, const std::string& name);
  void arm_idle_timer(uint64_t timeout_ms);
  void on_media(rtmp::MediaReceived media);
  void on_play(const rtmp::PlayRequested& request);
  void refuse_play(uint32_t stream_id, std::string_view code, std::string_view log_reason);
  void stop_play();
  void on_idle();
  void end_publish();
  void refuse(uint32_t stream_id, std::string_view code, std::string_view description,
              std::string_view log_reason);
  void flush();
  void finish(std::string_view reason);

  uint64_t id_;
  std::unique_ptr<TcpConnection> socket_;
  StreamRegistry& registry_;
  const PublishAuth& auth_;
  Webhooks& hooks_;
  TurnFlusher& flusher_;  // a player's live tags go out once per loop turn
  const RtmpLimits& limits_;
  FinishedCallback on_finished_;
  rtmp::ServerSession session_;
  Timer idle_timer_;
  Timer handshake_timer_;
  std::string flash_ver_;
  std::string app_;
  // The on_publish request being waited for (0: none). Cancelled when the connection ends, so
  // its answer never reaches a connection that is gone.
  Webhooks::RequestId publish_hook_ = 0;
  Stream* stream_ = nullptr;  // while publishing
  // While playing. Kept (detached) until the connection is destroyed once the play ends from
  // inside the player's own callback (a player that stayed behind).
  std::unique_ptr<RtmpPlayer> player_;
  int64_t published_at_us_ = 0;
  int64_t read_at_us_ = 0;    // when the bytes being handled were read
  bool finished_ = false;
};

}  // namespace liverelay
