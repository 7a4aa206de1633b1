// Restreams one stream to one RTMP target (another platform, another liverelay) as a client,
// for as long as the stream broadcasts: connects when a publisher starts, sends the GOP cache
// and then live tags, reconnects with backoff when the target drops.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <uv.h>

#include "protocol/rtmp/url.hpp"
#include "server/net/timer.hpp"
#include "server/relay/rtmp_client.hpp"
#include "server/stream/sink_timeline.hpp"
#include "server/stream/stream.hpp"

namespace liverelay {

// What the stats API shows of a push (the target's stream name is a secret: redacted).
struct PushStatus {
  uint64_t id = 0;
  std::string target;
  std::string state;  // idle, connecting, publishing, retrying
  uint64_t connects = 0;   // publishes that started
  uint64_t failures = 0;   // attempts or sessions that ended in an error
  uint64_t bytes_out = 0;  // over the push's life
  uint64_t dropped_frames = 0;
  std::string last_error;
};

struct PushLimits {
  // Unsent bytes over which frames are skipped until the next keyframe: a target on a slow
  // link loses frames, never the publisher or the other sinks their pace.
  size_t max_queued_bytes = 2 * 1024 * 1024;
  uint64_t first_retry_ms = 1'000;  // doubles after each failure, up to max_retry_ms
  uint64_t max_retry_ms = 30'000;
};

class PushRelay final : public MediaSink {
 public:
  PushRelay(uv_loop_t* loop, Stream& stream, uint64_t id, rtmp::Url target, PushLimits limits = {});
  ~PushRelay() override;
  PushRelay(const PushRelay&) = delete;
  PushRelay& operator=(const PushRelay&) = delete;

  [[nodiscard]] PushStatus status() const;
  [[nodiscard]] uint64_t id() const { return id_; }

  void on_stream_begin() override;
  void on_tag(const MediaTag& tag) override;
  void on_stream_end() override;

 private:
  enum class State { idle, connecting, publishing, retrying };

  void connect();
  void on_event(rtmp::ClientEvent& event);
  void on_closed(std::string_view reason);
  void send_snapshot();
  void send(const MediaTag& tag);
  [[nodiscard]] bool may_resume(const MediaTag& tag) const;
  void end_client();

  uv_loop_t* loop_;
  Stream& stream_;
  uint64_t id_;
  rtmp::Url target_;
  PushLimits limits_;
  std::unique_ptr<RtmpClient> client_;
  std::unique_ptr<RtmpClient> retired_;  // stopped, kept until no callback of it can be running
  Timer retry_timer_;
  State state_ = State::idle;
  SinkTimeline timeline_;
  bool need_keyframe_ = false;
  uint64_t retry_ms_;
  uint64_t connects_ = 0;
  uint64_t failures_ = 0;
  uint64_t bytes_out_ended_ = 0;  // of the sessions before the current one
  uint64_t dropped_frames_ = 0;
  std::string last_error_;
};

}  // namespace liverelay
