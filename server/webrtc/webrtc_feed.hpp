// One stream as WebRTC needs it: H.264 packetized once for every viewer, the current GOP kept
// so that a viewer starts with a picture at once, Opus audio made from the stream's AAC, and
// (when the source has B-frames) video re-encoded without them. It exists while the stream has
// WebRTC viewers: transcoding costs nothing when nobody watches over WebRTC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <uv.h>

#include "codec/timestamp_unwrapper.hpp"
#include "protocol/rtp/h264_packetizer.hpp"
#include "server/stream/media_sink.hpp"
#include "server/stream/sink_timeline.hpp"
#include "server/webrtc/opus_track.hpp"
#include "server/webrtc/reencoded_video_track.hpp"
#include "server/webrtc/rtp_frame.hpp"

namespace liverelay {
class Stream;
}

namespace liverelay::webrtc {

struct WebRtcFeedOptions {
  bool reencode_bframes = true;  // false: video with B-frames is not offered (WHEP answers 422)
  size_t max_gop_bytes = 16 * 1024 * 1024;  // a longer GOP is forgotten until the next keyframe
};

// What a WHEP answer needs to know about the stream before any media flows.
struct FeedDescription {
  bool has_video = false;        // H.264 video to send
  std::string profile_level_id;  // of what is sent, "42e01f"
  bool has_audio = false;        // AAC audio sent as Opus
  bool bframes = false;          // the source has B-frames (re-encoded, or refused)
};

class WebRtcFeed final : public MediaSink {
 public:
  WebRtcFeed(uv_loop_t* loop, Stream& stream, WebRtcFeedOptions options);
  ~WebRtcFeed() override;
  WebRtcFeed(const WebRtcFeed&) = delete;
  WebRtcFeed& operator=(const WebRtcFeed&) = delete;

  [[nodiscard]] FeedDescription describe() const;
  // A sink receives the current GOP at once, then every frame; it removes itself before it goes.
  void subscribe(RtpFrameSink& sink);
  void unsubscribe(RtpFrameSink& sink);
  [[nodiscard]] size_t subscriber_count() const { return sinks_.size(); }
  // A viewer lost its picture (PLI/FIR). Re-encoded video answers with an IDR; passed-through
  // video cannot (RTMP has no way to ask the publisher), and the viewer waits for the next one.
  void request_keyframe();

  // The RTP timestamps that correspond to wall-clock `now_ms`, for sender reports: the last
  // frame's timestamp advanced by the time since it was made (RFC 3550 6.4.1).
  [[nodiscard]] std::optional<uint32_t> video_rtp_time(int64_t now_wall_ms) const;
  [[nodiscard]] std::optional<uint32_t> audio_rtp_time(int64_t now_wall_ms) const;

  // MediaSink: the stream's tags as the publisher sent them.
  void on_stream_begin() override;
  void on_tag(const MediaTag& tag) override;
  void on_stream_end() override;

  // Frames made off the loop (Opus, re-encoded video) come back here.
  void deliver(SharedRtpFrame frame);

 private:
  void on_video(const MediaTag& tag);
  void on_audio(const MediaTag& tag);
  void on_passthrough_video(std::span<const uint8_t> payload, int64_t pts_ms, bool keyframe);
  void set_video_config(std::span<const uint8_t> avcc);
  void start_reencoder();
  void keep_in_gop(const SharedRtpFrame& frame);

  uv_loop_t* loop_;
  Stream& stream_;
  WebRtcFeedOptions options_;
  SinkTimeline timeline_;
  codec::TimestampUnwrapper unwrapper_;
  std::optional<rtp::H264Packetizer> packetizer_;
  std::string source_profile_level_id_;
  bool source_bframes_ = false;
  std::unique_ptr<OpusTrack> audio_;
  std::vector<uint8_t> last_avcc_;  // the source's H.264 configuration, to start a re-encoder from
  bool reencode_ = false;           // the source has B-frames and they are re-encoded
  std::unique_ptr<ReencodedVideoTrack> reencoded_;
  int64_t last_keyframe_request_ms_ = 0;
  std::vector<SharedRtpFrame> gop_;
  size_t gop_bytes_ = 0;
  std::vector<RtpFrameSink*> sinks_;
  uint32_t video_timestamp_offset_;
  uint32_t audio_timestamp_offset_;
  struct ClockPoint {
    int64_t pts_ms = 0;
    int64_t wall_ms = 0;
  };
  std::optional<ClockPoint> last_video_;
  std::optional<ClockPoint> last_audio_;
};

}  // namespace liverelay::webrtc
