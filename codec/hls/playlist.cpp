// The sliding window of a live media playlist and the counters that follow it.
#include "codec/hls/playlist.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace liverelay::hls {

int64_t rounded_seconds(int64_t duration_ms) {
  return (std::max<int64_t>(duration_ms, 0) + 500) / 1000;
}

MediaPlaylist::MediaPlaylist(PlaylistOptions options)
    : options_(options),
      target_duration_s_(rounded_seconds(std::llround(options.target_duration_s * 1000.0))) {
  options_.window = std::max<size_t>(options_.window, 1);
  // RFC 8216 4.3.3.1: a decimal-integer; a target of 0 would tell players to reload nonstop.
  target_duration_s_ = std::max<int64_t>(target_duration_s_, 1);
}

size_t MediaPlaylist::append(SegmentEntry entry) {
  entry.sequence = next_sequence();
  // RFC 8216 4.3.3.1 wants every EXTINF, rounded, at most the target, and 6.2.1 wants the
  // target never to change. A GOP longer than the configured target cannot be foreseen, so the
  // target grows to the longest segment of the broadcast and never shrinks back, even once
  // that segment has left the window: players size their reload timers on it.
  target_duration_s_ = std::max(target_duration_s_, rounded_seconds(entry.duration_ms));
  segments_.push_back(std::move(entry));

  size_t dropped = 0;
  while (segments_.size() > options_.window) {
    // RFC 8216 6.2.2: removing a segment advances EXT-X-MEDIA-SEQUENCE by one, and removing
    // one that carries EXT-X-DISCONTINUITY advances EXT-X-DISCONTINUITY-SEQUENCE by one.
    if (segments_.front().discontinuity) ++discontinuity_sequence_;
    segments_.pop_front();
    ++media_sequence_;
    ++dropped;
  }
  return dropped;
}

void MediaPlaylist::open_segment(SegmentEntry entry) {
  entry.parts.clear();
  entry.sequence = next_sequence();
  open_ = std::move(entry);
}

void MediaPlaylist::append_part(PartEntry part) {
  if (!open_) return;
  open_->parts.push_back(std::move(part));
  ++parts_listed_;
}

size_t MediaPlaylist::close_segment(int64_t duration_ms) {
  if (!open_) return 0;
  SegmentEntry entry = std::move(*open_);
  open_.reset();
  entry.duration_ms = duration_ms;
  return append(std::move(entry));
}

void MediaPlaylist::end() {
  // A segment still open at the end had no part listed yet (the packager closes the others).
  open_.reset();
  preload_hint_.clear();
  ended_ = true;
}

}  // namespace liverelay::hls
