// Part cutting for low-latency HLS: the longest whole-frame parts that stay within the target.
#include "codec/hls/part_cutter.hpp"

namespace liverelay::hls {

using media::MediaPacket;
using media::TrackKind;

PartCutter::PartCutter(int64_t part_target_ms, bool has_video)
    : target_ms_(part_target_ms), has_video_(has_video) {}

void PartCutter::on_segment_start(const MediaPacket& packet) {
  part_start_ms_ = packet.dts_ms;
}

bool PartCutter::cuts_before(const MediaPacket& packet) const {
  const TrackKind pacing = has_video_ ? TrackKind::video : TrackKind::audio;
  if (packet.track != pacing) return false;
  const auto& timing = timing_[static_cast<size_t>(pacing)];
  // The part would end where the frame after this one starts. Frame steps jitter by a
  // millisecond or two in RTMP's whole-ms timestamps (33, 34, 33 at 30 fps), so half a step
  // of margin keeps the real end within the target when the next step comes out longer.
  const int64_t step = timing.frame_ms;
  const int64_t projected_end = packet.dts_ms + step + step / 2;
  return packet.dts_ms > part_start_ms_ && projected_end - part_start_ms_ > target_ms_;
}

void PartCutter::on_packet(const MediaPacket& packet) {
  auto& track = timing_[static_cast<size_t>(packet.track)];
  if (track.last_dts_ms && packet.dts_ms > *track.last_dts_ms) track.frame_ms = packet.dts_ms - *track.last_dts_ms;
  if (!track.last_dts_ms || packet.dts_ms > *track.last_dts_ms) track.last_dts_ms = packet.dts_ms;
}

}  // namespace liverelay::hls
