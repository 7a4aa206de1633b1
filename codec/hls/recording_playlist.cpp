// Recording playlists: the segment lines are rendered once, headers per write.
#include "codec/hls/recording_playlist.hpp"

#include <algorithm>
#include <cmath>

#include "codec/hls/playlist_writer.hpp"

namespace liverelay::hls {

RecordingPlaylist::RecordingPlaylist(SegmentFormat format, double target_duration_s)
    : format_(format),
      target_duration_s_(std::max<int64_t>(rounded_seconds(std::llround(target_duration_s * 1000.0)), 1)) {}

void RecordingPlaylist::append(SegmentEntry entry) {
  Listed listed;
  listed.text_offset = text_.size();
  if (!segments_.empty()) {
    const Listed& last = segments_.back();
    listed.end_ms = last.end_ms;
    listed.discontinuities_before = last.discontinuities_before + (last.entry.discontinuity ? 1 : 0);
  }
  entry.sequence = segments_.size();
  listed.end_ms += std::max<int64_t>(entry.duration_ms, 0);
  // RFC 8216 4.3.3.1: the target is at least every rounded EXTINF, and (6.2.1) never shrinks.
  target_duration_s_ = std::max(target_duration_s_, rounded_seconds(entry.duration_ms));

  if (entry.discontinuity) text_ += "#EXT-X-DISCONTINUITY\n";
  const bool new_map = segments_.empty() || segments_.back().entry.init_uri != entry.init_uri;
  if (!entry.init_uri.empty() && new_map) {
    text_ += "#EXT-X-MAP:URI=\"" + entry.init_uri + "\"\n";
    listed.map_written = true;
  }
  // Every segment carries its wall-clock time: a replay maps comments (wall-clock stamps) to
  // playback positions through it, across reconnect gaps too.
  text_ += "#EXT-X-PROGRAM-DATE-TIME:" + format_program_date_time(entry.program_date_time_ms) + "\n";
  text_ += "#EXTINF:" + format_duration(entry.duration_ms) + ",\n";
  text_ += entry.uri + "\n";
  listed.entry = std::move(entry);
  segments_.push_back(std::move(listed));
}

std::string RecordingPlaylist::write() const {
  std::string out;
  out.reserve(text_.size() + 256);
  write_header(out, 0, true);
  out += text_;
  if (ended_) out += "#EXT-X-ENDLIST\n";
  return out;
}

std::string RecordingPlaylist::write_window(int64_t window_ms) const {
  const size_t first = first_in_window(window_ms);
  if (first == 0) return write();
  const Listed& head = segments_[first];
  std::string out;
  out.reserve(text_.size() - head.text_offset + 256);
  write_header(out, first, false);
  // The map in force for the first listed segment may have been written above the cut.
  if (!head.entry.init_uri.empty() && !head.map_written) {
    // Above the discontinuity tag of the first segment would also do; RFC 8216 4.3.2.5 only
    // asks that the map precede the segments it applies to.
    out += "#EXT-X-MAP:URI=\"" + head.entry.init_uri + "\"\n";
  }
  out += std::string_view(text_).substr(head.text_offset);
  if (ended_) out += "#EXT-X-ENDLIST\n";
  return out;
}

size_t RecordingPlaylist::first_in_window(int64_t window_ms) const {
  if (segments_.empty()) return 0;
  const int64_t cut = segments_.back().end_ms - std::max<int64_t>(window_ms, 0);
  // The first segment that starts at or after the cut, but never past the newest.
  size_t first = 0;
  while (first + 1 < segments_.size() && segments_[first].end_ms - segments_[first].entry.duration_ms < cut) {
    ++first;
  }
  return first;
}

void RecordingPlaylist::write_header(std::string& out, size_t first, bool event) const {
  // RFC 8216 7: EXT-X-MAP outside I-frame playlists needs version 6; decimal EXTINF version 3.
  out += "#EXTM3U\n";
  out += format_ == SegmentFormat::fmp4 ? "#EXT-X-VERSION:6\n" : "#EXT-X-VERSION:3\n";
  out += "#EXT-X-TARGETDURATION:" + std::to_string(target_duration_s_) + "\n";
  out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(first) + "\n";
  if (first > 0 && segments_[first].discontinuities_before > 0) {
    out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(segments_[first].discontinuities_before) + "\n";
  }
  if (ended_) {
    out += "#EXT-X-PLAYLIST-TYPE:VOD\n";
  } else if (event) {
    out += "#EXT-X-PLAYLIST-TYPE:EVENT\n";
  }
  out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
}

}  // namespace liverelay::hls
