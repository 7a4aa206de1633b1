// The playlist of a recorded broadcast: every segment from the first, EXT-X-PLAYLIST-TYPE:EVENT
// while it grows and VOD once it ended (RFC 8216 4.3.3.5), plus the live rewind (DVR) view of
// it: the newest segments within a time window.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/hls/playlist.hpp"
#include "codec/hls/segment_format.hpp"

namespace liverelay::hls {

class RecordingPlaylist {
 public:
  explicit RecordingPlaylist(SegmentFormat format, double target_duration_s = 2.0);

  // Lists a finished segment after the others (its `sequence` is assigned).
  void append(SegmentEntry entry);
  // The recording is over: VOD with EXT-X-ENDLIST.
  void end() { ended_ = true; }

  [[nodiscard]] bool ended() const { return ended_; }
  [[nodiscard]] size_t size() const { return segments_.size(); }
  [[nodiscard]] const SegmentEntry& segment(size_t index) const { return segments_[index].entry; }
  [[nodiscard]] int64_t duration_ms() const { return segments_.empty() ? 0 : segments_.back().end_ms; }

  // The whole recording: EVENT while it grows, VOD with EXT-X-ENDLIST once ended.
  [[nodiscard]] std::string write() const;
  // The newest segments covering at most `window_ms` of media (always at least one). While the
  // recording is no longer than the window this is write(); past it segments leave from the
  // front as in a live playlist, so the EVENT type (which promises that none ever leaves) goes.
  [[nodiscard]] std::string write_window(int64_t window_ms) const;

 private:
  struct Listed {
    SegmentEntry entry;
    size_t text_offset = 0;             // where its lines start in text_
    int64_t end_ms = 0;                 // media time at its end, from the recording's start
    uint64_t discontinuities_before = 0;  // EXT-X-DISCONTINUITY tags on the segments before it
    bool map_written = false;           // its lines carry the EXT-X-MAP it needs
  };

  [[nodiscard]] size_t first_in_window(int64_t window_ms) const;
  void write_header(std::string& out, size_t first, bool event) const;

  SegmentFormat format_;
  int64_t target_duration_s_;
  std::vector<Listed> segments_;
  // Every segment's lines, rendered once when listed: a rewrite costs a copy, not a render.
  std::string text_;
  bool ended_ = false;
};

}  // namespace liverelay::hls
