// Segment cutting for HLS: where segments start and how long each one lasts, by dts.
#include "codec/hls/segmenter.hpp"

#include <algorithm>
#include <cmath>

namespace liverelay::hls {

using media::MediaPacket;
using media::TrackKind;

Segmenter::Segmenter(SegmenterOptions options)
    : options_(options), target_ms_(std::llround(options.target_duration_s * 1000.0)) {}

std::optional<CutDecision> Segmenter::on_packet(const MediaPacket& packet) {
  if (!open_) {
    auto decision = open_segment(packet, std::nullopt);
    note_timing(packet);
    return decision;
  }
  // By dts, not pts: with B-frames the pts of a keyframe runs ahead of its decode time, and
  // segments must tile the decode timeline without gaps or overlaps.
  if (is_cut_point(packet) && packet.dts_ms - start_dts_ms_ >= target_ms_) {
    ClosedSegment closed{start_dts_ms_, packet.dts_ms - start_dts_ms_, start_discontinuity_};
    auto decision = open_segment(packet, closed);
    note_timing(packet);
    return decision;
  }
  note_timing(packet);
  return std::nullopt;
}

std::optional<ClosedSegment> Segmenter::mark_discontinuity() {
  if (!open_) {
    // Before the first segment there is nothing to be discontinuous with; between a closed
    // run and the next packet the flag is already pending.
    return std::nullopt;
  }
  auto closed = close_open_segment();
  pending_discontinuity_ = true;
  // Timestamps after the break are not comparable with those before it.
  timing_ = {};
  return closed;
}

std::optional<ClosedSegment> Segmenter::finish() {
  auto closed = close_open_segment();
  pending_discontinuity_ = false;
  timing_ = {};
  return closed;
}

bool Segmenter::is_cut_point(const MediaPacket& packet) const {
  if (options_.has_video) return packet.track == TrackKind::video && packet.keyframe;
  return packet.track == TrackKind::audio;
}

std::optional<ClosedSegment> Segmenter::close_open_segment() {
  if (!open_) return std::nullopt;
  open_ = false;
  // No next segment to end at: the segment lasts until its latest frame on any track ends.
  int64_t end_ms = start_dts_ms_;
  for (const auto& track : timing_) {
    if (track.last_dts_ms) end_ms = std::max(end_ms, *track.last_dts_ms + track.frame_ms);
  }
  return ClosedSegment{start_dts_ms_, end_ms - start_dts_ms_, start_discontinuity_};
}

CutDecision Segmenter::open_segment(const MediaPacket& packet, std::optional<ClosedSegment> closed) {
  open_ = true;
  start_dts_ms_ = packet.dts_ms;
  start_discontinuity_ = pending_discontinuity_;
  pending_discontinuity_ = false;
  return CutDecision{closed, start_dts_ms_, start_discontinuity_};
}

void Segmenter::note_timing(const MediaPacket& packet) {
  auto& track = timing_[static_cast<size_t>(packet.track)];
  if (track.last_dts_ms && packet.dts_ms > *track.last_dts_ms) {
    track.frame_ms = packet.dts_ms - *track.last_dts_ms;
  }
  if (!track.last_dts_ms || packet.dts_ms > *track.last_dts_ms) track.last_dts_ms = packet.dts_ms;
}

}  // namespace liverelay::hls
