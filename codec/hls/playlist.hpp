// The live HLS media playlist of one stream: a sliding window of segments and the counters
// (media sequence, discontinuity sequence, target duration) that must stay honest as it slides.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "codec/hls/segment_format.hpp"

namespace liverelay::hls {

struct PlaylistOptions {
  SegmentFormat format = SegmentFormat::ts;
  size_t window = 6;               // segments listed in the live playlist
  double target_duration_s = 2.0;  // the segmenter's target: the floor of EXT-X-TARGETDURATION
};

// A finished segment as the playlist lists it.
struct SegmentEntry {
  uint64_t sequence = 0;             // its media sequence number, assigned by append()
  std::string uri;                   // relative to the playlist
  int64_t duration_ms = 0;           // EXTINF (RFC 8216 4.3.2.1)
  int64_t program_date_time_ms = 0;  // wall clock when its first frame arrived, ms since 1970
  bool discontinuity = false;        // EXT-X-DISCONTINUITY before it (RFC 8216 4.3.2.3)
  std::string init_uri;              // fMP4: the EXT-X-MAP it needs (RFC 8216 4.3.2.5)

  bool operator==(const SegmentEntry&) const = default;
};

class MediaPlaylist {
 public:
  explicit MediaPlaylist(PlaylistOptions options = {});

  // Lists a finished segment under next_sequence() (the `sequence` given is ignored) and
  // slides the window. Returns how many segments left the window (0 or 1).
  size_t append(SegmentEntry entry);

  // The broadcast ended: the playlist gains EXT-X-ENDLIST (RFC 8216 4.3.3.4).
  void end() { ended_ = true; }

  [[nodiscard]] SegmentFormat format() const { return options_.format; }
  [[nodiscard]] const std::deque<SegmentEntry>& segments() const { return segments_; }
  [[nodiscard]] uint64_t media_sequence() const { return media_sequence_; }
  [[nodiscard]] uint64_t discontinuity_sequence() const { return discontinuity_sequence_; }
  [[nodiscard]] uint64_t next_sequence() const { return media_sequence_ + segments_.size(); }
  [[nodiscard]] int64_t target_duration_s() const { return target_duration_s_; }
  [[nodiscard]] bool ended() const { return ended_; }

 private:
  PlaylistOptions options_;
  std::deque<SegmentEntry> segments_;
  uint64_t media_sequence_ = 0;
  uint64_t discontinuity_sequence_ = 0;
  int64_t target_duration_s_;
  bool ended_ = false;
};

// EXTINF and EXT-X-TARGETDURATION compare durations rounded to the nearest integer
// (RFC 8216 4.3.3.1); halves round up, so the target is never below a listed duration.
int64_t rounded_seconds(int64_t duration_ms);

}  // namespace liverelay::hls
