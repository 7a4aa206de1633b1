// Ingest figures of one broadcast: bitrate over a sliding wall-clock window, frame rate from
// media timestamps, frame and keyframe counts, keyframe interval, timestamp drift against the
// arrival clock, dropped packets. Pure: the caller passes time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "codec/media_packet.hpp"

namespace liverelay {

class IngestStats {
 public:
  // `window_ms`: how far back the bitrate and the frame rate look.
  explicit IngestStats(int64_t window_ms = 5000) : window_ms_(window_ms) {}

  // Every audio/video/data message counts towards the bitrate (its payload bytes).
  void on_bytes(int64_t now_ms, size_t bytes);
  // `arrival_ms`: steady-clock ms when the packet's bytes were read (for the drift).
  void on_packet(const media::MediaPacket& packet, int64_t arrival_ms);
  // Packets the demuxer refused or packaging dropped.
  void on_dropped(uint64_t packets) { dropped_packets_ += packets; }

  [[nodiscard]] double bitrate_kbps(int64_t now_ms) const;
  [[nodiscard]] double fps() const;
  [[nodiscard]] uint64_t frames() const { return video_frames_; }
  [[nodiscard]] uint64_t keyframes() const { return keyframes_; }
  [[nodiscard]] uint64_t total_bytes() const { return total_bytes_; }
  // Media time between the last two keyframes, in seconds; nullopt before the second.
  [[nodiscard]] std::optional<double> keyframe_interval_s() const;
  // How far the media clock has run ahead of (positive) or behind (negative) the arrival clock
  // since the first packet: (last timestamp - first) - (last arrival - first arrival), in ms.
  [[nodiscard]] int64_t timestamp_drift_ms() const;
  [[nodiscard]] uint64_t dropped_packets() const { return dropped_packets_; }

 private:
  struct Sample {
    int64_t at_ms;
    size_t bytes;
  };
  void expire(int64_t now_ms) const;

  int64_t window_ms_;
  mutable std::deque<Sample> byte_samples_;
  mutable size_t window_bytes_ = 0;
  std::optional<int64_t> first_sample_ms_;
  std::deque<int64_t> video_dts_;
  uint64_t video_frames_ = 0;
  uint64_t keyframes_ = 0;
  uint64_t total_bytes_ = 0;
  std::optional<int64_t> last_keyframe_dts_;
  std::optional<int64_t> keyframe_interval_ms_;
  struct Timing {
    int64_t first_dts_ms;
    int64_t first_arrival_ms;
    int64_t last_dts_ms;
    int64_t last_arrival_ms;
  };
  std::optional<Timing> timing_;
  uint64_t dropped_packets_ = 0;
};

}  // namespace liverelay
