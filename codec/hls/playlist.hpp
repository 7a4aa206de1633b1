// The live HLS media playlist of one stream: a sliding window of segments and the counters
// (media sequence, discontinuity sequence, target duration) that must stay honest as it slides;
// in low-latency HLS also the parts of the recent segments and of the one being produced.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "codec/hls/segment_format.hpp"

namespace liverelay::hls {

struct PlaylistOptions {
  SegmentFormat format = SegmentFormat::ts;
  size_t window = 6;               // segments listed in the live playlist
  double target_duration_s = 2.0;  // the segmenter's target: the floor of EXT-X-TARGETDURATION
  int64_t part_target_ms = 0;      // low-latency HLS: EXT-X-PART-INF:PART-TARGET; 0: no parts
};

// A partial segment (RFC 8216bis 4.4.4.9): a fragment of its parent segment, listed as soon as
// it is produced.
struct PartEntry {
  std::string uri;
  int64_t duration_ms = 0;
  bool independent = false;  // starts with a keyframe: INDEPENDENT=YES

  bool operator==(const PartEntry&) const = default;
};

// A finished segment as the playlist lists it.
struct SegmentEntry {
  uint64_t sequence = 0;             // its media sequence number, assigned by append()
  std::string uri;                   // relative to the playlist
  std::vector<PartEntry> parts{};    // low-latency HLS: its parts, in order
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

  // Low-latency HLS lists the segment being produced part by part. open_segment() starts it
  // (URI, wall-clock time, discontinuity, map; under next_sequence()), append_part() lists each
  // part, close_segment() lists the whole segment with its parts and slides the window.
  void open_segment(SegmentEntry entry);
  void append_part(PartEntry part);
  size_t close_segment(int64_t duration_ms);
  // The segment being produced, if any.
  [[nodiscard]] const std::optional<SegmentEntry>& open() const { return open_; }
  // The part expected next, for EXT-X-PRELOAD-HINT (RFC 8216bis 4.4.5.3); "" for none.
  void set_preload_hint(std::string uri) { preload_hint_ = std::move(uri); }
  [[nodiscard]] const std::string& preload_hint() const { return preload_hint_; }

  // The broadcast ended: the playlist gains EXT-X-ENDLIST (RFC 8216 4.3.3.4).
  void end();

  [[nodiscard]] SegmentFormat format() const { return options_.format; }
  [[nodiscard]] const std::deque<SegmentEntry>& segments() const { return segments_; }
  [[nodiscard]] uint64_t media_sequence() const { return media_sequence_; }
  [[nodiscard]] uint64_t discontinuity_sequence() const { return discontinuity_sequence_; }
  [[nodiscard]] uint64_t next_sequence() const { return media_sequence_ + segments_.size(); }
  [[nodiscard]] int64_t target_duration_s() const { return target_duration_s_; }
  [[nodiscard]] bool ended() const { return ended_; }
  [[nodiscard]] bool low_latency() const { return options_.part_target_ms > 0; }
  [[nodiscard]] int64_t part_target_ms() const { return options_.part_target_ms; }
  // Parts listed since the broadcast began: the next part's number (its URI is named by it).
  [[nodiscard]] uint64_t parts_listed() const { return parts_listed_; }

 private:
  PlaylistOptions options_;
  std::deque<SegmentEntry> segments_;
  std::optional<SegmentEntry> open_;
  uint64_t parts_listed_ = 0;
  std::string preload_hint_;
  uint64_t media_sequence_ = 0;
  uint64_t discontinuity_sequence_ = 0;
  int64_t target_duration_s_;
  bool ended_ = false;
};

// EXTINF and EXT-X-TARGETDURATION compare durations rounded to the nearest integer
// (RFC 8216 4.3.3.1); halves round up, so the target is never below a listed duration.
int64_t rounded_seconds(int64_t duration_ms);

}  // namespace liverelay::hls
