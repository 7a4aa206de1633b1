// Decides where low-latency HLS cuts partial segments (RFC 8216bis 4.4.4.9): every part target
// or so, between the segment cuts. Pure: packets in, decisions out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "codec/media_packet.hpp"

namespace liverelay::hls {

class PartCutter {
 public:
  // `has_video`: parts start at video frames only (each part then ends on a whole frame of the
  // track players time the stream by); without video, at any audio frame.
  PartCutter(int64_t part_target_ms, bool has_video);

  // A segment (so a part) starts with this packet.
  void on_segment_start(const media::MediaPacket& packet);
  // Whether the open part must close before this packet so that no part outlasts the target:
  // RFC 8216bis 4.4.3.7 wants every part's duration at most PART-TARGET. Call for packets that
  // do not start a segment, before on_packet(); a true means this packet starts the next part.
  [[nodiscard]] bool cuts_before(const media::MediaPacket& packet) const;
  // Every packet, after the decisions about it.
  void on_packet(const media::MediaPacket& packet);
  // The open part starts with this packet (after a true cuts_before()).
  void on_part_start(const media::MediaPacket& packet) { part_start_ms_ = packet.dts_ms; }

  [[nodiscard]] int64_t part_start_ms() const { return part_start_ms_; }

 private:
  struct TrackTiming {
    std::optional<int64_t> last_dts_ms;
    int64_t frame_ms = 0;  // the last positive dts step: the next frame's likely duration
  };

  int64_t target_ms_;
  bool has_video_;
  int64_t part_start_ms_ = 0;
  std::array<TrackTiming, 2> timing_{};  // indexed by TrackKind
};

}  // namespace liverelay::hls
