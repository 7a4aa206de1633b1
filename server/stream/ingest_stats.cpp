// IngestStats: sliding windows over byte arrivals and video timestamps.
#include "server/stream/ingest_stats.hpp"

#include <algorithm>
#include <cmath>

namespace liverelay {

void IngestStats::on_bytes(int64_t now_ms, size_t bytes) {
  if (!first_sample_ms_) first_sample_ms_ = now_ms;
  total_bytes_ += bytes;
  window_bytes_ += bytes;
  byte_samples_.push_back({now_ms, bytes});
  expire(now_ms);
}

void IngestStats::expire(int64_t now_ms) const {
  while (!byte_samples_.empty() && byte_samples_.front().at_ms <= now_ms - window_ms_) {
    window_bytes_ -= byte_samples_.front().bytes;
    byte_samples_.pop_front();
  }
}

double IngestStats::bitrate_kbps(int64_t now_ms) const {
  if (!first_sample_ms_) return 0;
  expire(now_ms);
  // Early in a broadcast the window is not full yet: divide by the time actually covered.
  const int64_t covered = std::clamp<int64_t>(now_ms - *first_sample_ms_, 1000, window_ms_);
  return static_cast<double>(window_bytes_) * 8.0 / static_cast<double>(covered);
}

void IngestStats::on_packet(const media::MediaPacket& packet, int64_t arrival_ms) {
  if (!timing_) timing_ = Timing{packet.dts_ms, arrival_ms, packet.dts_ms, arrival_ms};
  // Audio and video interleave with slightly out-of-order timestamps: the media clock is the
  // latest timestamp seen.
  timing_->last_dts_ms = std::max(timing_->last_dts_ms, packet.dts_ms);
  timing_->last_arrival_ms = arrival_ms;
  if (packet.track != media::TrackKind::video) return;
  ++video_frames_;
  video_dts_.push_back(packet.dts_ms);
  while (video_dts_.size() > 2 && video_dts_.front() < packet.dts_ms - window_ms_) video_dts_.pop_front();
  if (packet.keyframe) {
    ++keyframes_;
    if (last_keyframe_dts_ && packet.dts_ms > *last_keyframe_dts_) {
      keyframe_interval_ms_ = packet.dts_ms - *last_keyframe_dts_;
    }
    last_keyframe_dts_ = packet.dts_ms;
  }
}

double IngestStats::fps() const {
  if (video_dts_.size() < 2) return 0;
  const int64_t span = video_dts_.back() - video_dts_.front();
  if (span <= 0) return 0;
  const double fps = static_cast<double>(video_dts_.size() - 1) * 1000.0 / static_cast<double>(span);
  return std::round(fps * 100.0) / 100.0;  // millisecond timestamps: two decimals are honest
}

int64_t IngestStats::timestamp_drift_ms() const {
  if (!timing_) return 0;
  return (timing_->last_dts_ms - timing_->first_dts_ms) - (timing_->last_arrival_ms - timing_->first_arrival_ms);
}

std::optional<double> IngestStats::keyframe_interval_s() const {
  if (!keyframe_interval_ms_) return std::nullopt;
  return static_cast<double>(*keyframe_interval_ms_) / 1000.0;
}

}  // namespace liverelay
