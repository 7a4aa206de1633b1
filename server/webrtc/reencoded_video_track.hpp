// Video with B-frames made playable over WebRTC (browsers' WebRTC decoders take no B-frames):
// re-encoded once per stream on a worker thread without them, packetized there, and handed to
// the feed as shared RTP frames, while the stream has WebRTC viewers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/net/worker_thread.hpp"
#include "server/webrtc/rtp_frame.hpp"
#include "server/webrtc/transcode_result.hpp"

namespace liverelay::webrtc {

class ReencodedVideoTrack {
 public:
  // Opens the decoder and encoder now (tens of milliseconds, once per stream and publisher), so
  // that the output's profile is known for the SDP answer. `avcc_config` is the source's
  // AVCDecoderConfigurationRecord.
  static Result<std::unique_ptr<ReencodedVideoTrack>> create(uv_loop_t* loop, std::span<const uint8_t> avcc_config,
                                                             int bitrate_kbps, uint32_t timestamp_offset,
                                                             DeliverFrame deliver);
  ~ReencodedVideoTrack();
  ReencodedVideoTrack(const ReencodedVideoTrack&) = delete;
  ReencodedVideoTrack& operator=(const ReencodedVideoTrack&) = delete;

  // One source access unit (AVCC), in decode order.
  void on_frame(std::span<const uint8_t> access_unit, int64_t dts_ms, int64_t pts_ms, bool keyframe);
  // A viewer lost its picture: the next output frame is an IDR (unlike passthrough, where only
  // the publisher could make one).
  void request_keyframe();

  [[nodiscard]] const std::string& profile_level_id() const { return profile_level_id_; }
  [[nodiscard]] const TranscodeStats& stats() const { return stats_; }

 private:
  struct WorkerState;

  ReencodedVideoTrack(uv_loop_t* loop, std::shared_ptr<WorkerState> state, std::string profile_level_id,
                      DeliverFrame deliver);

  std::shared_ptr<WorkerState> state_;
  std::string profile_level_id_;
  DeliverFrame deliver_;
  bool shedding_ = false;  // frames were dropped: skip to the next source keyframe
  TranscodeStats stats_;
  WorkerThread worker_;  // last: joined before the rest goes
};

// What to ask of the encoder: the publisher's measured bitrate (video is most of it), not under
// half a figure for the picture size at 30 fps; within what a browser viewer can take.
int reencode_bitrate_kbps(double ingest_kbps, int width, int height);

}  // namespace liverelay::webrtc
