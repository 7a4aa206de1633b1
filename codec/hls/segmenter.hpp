// Decides where an HLS stream is cut into segments: at video keyframes (or audio packets) once
// a segment has reached the target duration. Pure: packets in, decisions out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "codec/media_packet.hpp"

namespace liverelay::hls {

struct SegmenterOptions {
  double target_duration_s = 2.0;
  // With video, segments start only at video keyframes so each one decodes on its own
  // (EXT-X-INDEPENDENT-SEGMENTS, RFC 8216 4.3.5.1). Without, any audio packet may start one.
  bool has_video = true;
};

// A segment whose end is known.
struct ClosedSegment {
  int64_t start_dts_ms = 0;
  int64_t duration_ms = 0;     // next start dts - start dts; estimated for the last one of a run
  bool discontinuity = false;  // the segment carries EXT-X-DISCONTINUITY (RFC 8216 4.3.2.3)

  bool operator==(const ClosedSegment&) const = default;
};

// A new segment starts with the packet just given.
struct CutDecision {
  std::optional<ClosedSegment> closed;  // the one that ended right before it; none at a start
  int64_t start_dts_ms = 0;             // of the new segment
  bool discontinuity = false;           // the new segment carries EXT-X-DISCONTINUITY
};

class Segmenter {
 public:
  explicit Segmenter(SegmenterOptions options = {});

  // Call for every packet in arrival order. Returns a decision when this packet starts a
  // segment: the very first packet, the first after a discontinuity, and the cut points.
  [[nodiscard]] std::optional<CutDecision> on_packet(const media::MediaPacket& packet);

  // The timeline breaks here (the publisher reconnected, or the codec parameters changed):
  // closes the open segment now, its length estimated from its last frames, and the next
  // packet opens a segment with EXT-X-DISCONTINUITY. Nothing to close gives nothing.
  [[nodiscard]] std::optional<ClosedSegment> mark_discontinuity();

  // The broadcast ended: closes the open segment, if any. A packet after this starts afresh.
  [[nodiscard]] std::optional<ClosedSegment> finish();

 private:
  struct TrackTiming {
    std::optional<int64_t> last_dts_ms;
    int64_t frame_ms = 0;  // the last positive dts step: the next frame's likely duration
  };

  [[nodiscard]] bool is_cut_point(const media::MediaPacket& packet) const;
  [[nodiscard]] std::optional<ClosedSegment> close_open_segment();
  CutDecision open_segment(const media::MediaPacket& packet, std::optional<ClosedSegment> closed);
  void note_timing(const media::MediaPacket& packet);

  SegmenterOptions options_;
  int64_t target_ms_;
  bool open_ = false;
  int64_t start_dts_ms_ = 0;
  bool start_discontinuity_ = false;
  bool pending_discontinuity_ = false;
  std::array<TrackTiming, 2> timing_{};  // indexed by TrackKind
};

}  // namespace liverelay::hls
