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
#include "server/webrtc/transcode_result.hpp"

namespace liverelay::webrtc {

// The payload type written into the shared packets; each viewer rewrites it to the negotiated one.
inline constexpr uint8_t kOpusPlaceholderPayloadType = 111;

class OpusTrack {
 public:
  // `timestamp_offset`: the stream's random RTP timestamp origin for audio (RFC 3550 5.1).
  OpusTrack(uv_loop_t* loop, uint32_t timestamp_offset, DeliverFrame deliver);
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
  [[nodiscard]] const TranscodeStats& stats() const { return stats_; }

 private:
  struct WorkerState;  // the transcoder and RTP numbering: touched only on the worker thread

  std::shared_ptr<WorkerState> state_;
  DeliverFrame deliver_;
  bool configured_ = false;
  TranscodeStats stats_;
  WorkerThread worker_;  // last: stopped (joined) before the rest goes
};

}  // namespace liverelay::webrtc
