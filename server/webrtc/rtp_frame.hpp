// One stream's media as RTP, made once and shared by every WebRTC viewer of the stream.
#pragma once

#include <cstddef>
#include <memory>

#include "protocol/rtp/rtp_batch.hpp"

namespace liverelay::webrtc {

enum class RtpMediaKind { video, audio };

// The packets of one video access unit or one Opus frame, with the stream's own sequence
// numbers, SSRC 0 and a placeholder payload type: each viewer rewrites those on its copy.
struct RtpFrame {
  RtpMediaKind kind = RtpMediaKind::video;
  bool keyframe = false;     // video: a decoder can start here (parameter sets come first)
  int64_t pts_ms = 0;        // on the feed's continuous timeline
  size_t payload_bytes = 0;  // RTP payload octets, for sender reports
  rtp::RtpBatch packets;
};

using SharedRtpFrame = std::shared_ptr<const RtpFrame>;

// Who receives a feed's frames: a WebRTC session once its keys are ready.
class RtpFrameSink {
 public:
  virtual ~RtpFrameSink() = default;
  virtual void on_frame(const SharedRtpFrame& frame) = 0;
  // The broadcast is over (the reconnect grace passed): nothing more will come.
  virtual void on_feed_end() = 0;
};

}  // namespace liverelay::webrtc
