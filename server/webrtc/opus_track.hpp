// The stream's AAC as Opus RTP frames for WebRTC viewers (browsers decode no AAC over WebRTC):
// transcoded once per stream on a worker thread, while the stream has WebRTC viewers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include <uv.h>

#include "server/net/worker_thread.hpp"
#include "server/webrtc/rtp_frame.hpp"

namespace liverelay::webrtc {

// The payload type written into the shared packets; each viewer rewrites it to the negotiated one.
inline constexpr uint8_t kOpusPlaceholderPayloadType = 111;

struct OpusTrackStats {
  uint64_t frames_in = 0;
  uint64_t packets_out = 0;
  uint64_t errors = 0;      // frames the decoder refused
  uint64_t shed = 0;        // frames dropped because the worker was behind
  int64_t busy_us = 0;      // worker time spent transcoding
};

class OpusTrack {
 public:
  using Deliver = std::function<void(SharedRtpFrame frame)>;

  // `timestamp_offset`: the stream's random RTP timestamp origin for audio (RFC 3550 5.1).
  OpusTrack(uv_loop_t* loop, uint32_t timestamp_offset, Deliver deliver);
  ~OpusTrack();
  OpusTrack(const OpusTrack&) = delete;
  OpusTrack& operator=(const OpusTrack&) = delete;

  // The AudioSpecificConfig of the publisher's AAC: the transcoder is made (again) from it.
  void on_config(std::span<const uint8_t> audio_specific_config);
  // One raw AAC frame at `pts_ms` on the feed's timeline.
  void on_frame(std::span<const uint8_t> aac, int64_t pts_ms);
  // A new publisher: its audio starts a new timeline.
  void restart();

  [[nodiscard]] bool configured() const { return configured_; }
  // Read on the loop; the worker's counters are folded in with each delivery.
  [[nodiscard]] const OpusTrackStats& stats() const { return stats_; }

 private:
  struct WorkerState;  // the transcoder and RTP numbering: touched only on the worker thread

  std::shared_ptr<WorkerState> state_;
  Deliver deliver_;
  bool configured_ = false;
  OpusTrackStats stats_;
  WorkerThread worker_;  // last: stopped (joined) before the rest goes
};

}  // namespace liverelay::webrtc
