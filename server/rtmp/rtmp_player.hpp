// One RTMP player of a stream: a MediaSink that sends the stream's tags on the connection's
// play stream with a timeline of its own, and skips frames rather than queue without bound.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "protocol/rtmp/server_session.hpp"
#include "server/net/tcp_connection.hpp"
#include "server/net/turn_flusher.hpp"
#include "server/stream/sink_timeline.hpp"
#include "server/stream/stream.hpp"

namespace liverelay {

struct RtmpPlayerLimits {
  // Bytes waiting in our queue (beyond the kernel's send buffer) over which frames are skipped
  // until the next keyframe: about 3 s of a 2.5 Mb/s stream. Joining is exempt (the GOP goes
  // out whole); sequence headers and metadata always go.
  size_t max_queued_bytes = 1024 * 1024;
  // A player still skipping this long after it fell behind is disconnected: it sees nothing.
  int64_t max_behind_ms = 8'000;
};

struct RtmpPlayOptions {
  uint32_t stream_id = 0;  // the player's message stream
  // Milliseconds of media to send before NetStream.Play.Stop (play's duration); none: no end.
  std::optional<uint32_t> duration_ms;
};

class RtmpPlayer final : public MediaSink, public TurnFlusher::Writer {
 public:
  // Called (once) when the player stays behind past the limit; the owner closes the connection.
  // The player is detached already and may be destroyed after the call returns to the loop.
  using HopelessCallback = std::function<void(std::string_view reason)>;

  // Live tags go out once per loop turn through `flusher` (one writev for all of a turn's tags).
  RtmpPlayer(Stream& stream, rtmp::ServerSession& session, TcpConnection& socket, TurnFlusher& flusher,
             RtmpPlayOptions play, HopelessCallback on_hopeless, RtmpPlayerLimits limits = {});
  ~RtmpPlayer() override;
  RtmpPlayer(const RtmpPlayer&) = delete;
  RtmpPlayer& operator=(const RtmpPlayer&) = delete;

  // Joins the stream's fan-out: the GOP cache goes out at once, live tags follow.
  void start();
  // Leaves the fan-out (idempotent). Nothing is sent after it.
  void detach();
  void set_paused(bool paused);

  // Steady ms of the last media sent (or of start): a player that gets nothing for long is idle.
  [[nodiscard]] int64_t last_sent_ms() const { return last_sent_ms_; }
  [[nodiscard]] uint64_t dropped_frames() const { return dropped_; }

  void on_stream_begin() override;
  void on_tag(const MediaTag& tag) override;
  void on_stream_end() override;
  void flush_turn() override { flush(); }

 private:
  [[nodiscard]] bool may_resume(const MediaTag& tag) const;
  void skip(const MediaTag& tag);
  void send(const MediaTag& tag);
  void flush();

  Stream& stream_;
  rtmp::ServerSession& session_;
  TcpConnection& socket_;
  TurnFlusher& flusher_;
  uint32_t stream_id_;
  std::optional<uint32_t> duration_ms_;
  HopelessCallback on_hopeless_;
  RtmpPlayerLimits limits_;
  bool attached_ = false;
  bool joining_ = false;       // the GOP cache is being handed over
  bool need_keyframe_ = true;  // the next video frame sent must be a keyframe
  bool paused_ = false;
  bool told_unpublished_ = false;
  std::optional<int64_t> behind_since_ms_;  // skipping frames because the queue is full
  SinkTimeline timeline_;                   // from 0 at the join, never back across a publisher's restart
  int64_t last_sent_ms_ = 0;
  uint64_t dropped_ = 0;
};

// Writes what `session` has to send to `socket`, media payloads shared rather than copied.
void write_session_output(rtmp::ServerSession& session, TcpConnection& socket);

}  // namespace liverelay
