// Media playlist text: the tags of RFC 8216 4.3 written from a MediaPlaylist.
#include "codec/hls/playlist_writer.hpp"

#include <chrono>
#include <cstdio>

namespace liverelay::hls {
namespace {

// RFC 8216 7: floating-point EXTINF needs version 3; EXT-X-MAP outside an I-frames-only
// playlist needs version 6; EXT-X-SKIP (delta updates) needs version 9 (RFC 8216bis 8).
int protocol_version(const MediaPlaylist& playlist) {
  if (playlist.low_latency()) return 9;
  return playlist.format() == SegmentFormat::fmp4 ? 6 : 3;
}

// RFC 8216bis 4.4.4.9: parts SHOULD be listed for the segments within three target durations
// of the end of the playlist; older ones are listed whole only.
constexpr int64_t kPartsListedForTargets = 3;

int64_t open_duration_ms(const MediaPlaylist& playlist) {
  int64_t total = 0;
  if (playlist.open()) {
    for (const auto& part : playlist.open()->parts) total += part.duration_ms;
  }
  return total;
}

}  // namespace

size_t first_segment_with_parts(const MediaPlaylist& playlist) {
  const auto& segments = playlist.segments();
  int64_t from_end = open_duration_ms(playlist);
  const int64_t horizon = kPartsListedForTargets * playlist.target_duration_s() * 1000;
  size_t first = segments.size();
  while (first > 0 && from_end < horizon) {
    --first;
    from_end += segments[first].duration_ms;
  }
  return first;
}

namespace {

void write_header(const MediaPlaylist& playlist, std::string& out) {
  out += "#EXTM3U\n";
  out += "#EXT-X-VERSION:" + std::to_string(protocol_version(playlist)) + "\n";
  out += "#EXT-X-TARGETDURATION:" + std::to_string(playlist.target_duration_s()) + "\n";
  if (playlist.low_latency()) {
    out += "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=" + format_duration(part_hold_back_ms(playlist)) +
           ",CAN-SKIP-UNTIL=" + format_duration(can_skip_until_ms(playlist)) + "\n";
    out += "#EXT-X-PART-INF:PART-TARGET=" + format_duration(playlist.part_target_ms()) + "\n";
  }
  out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(playlist.media_sequence()) + "\n";
  // RFC 8216 4.3.3.3: only meaningful once a discontinuity has left the window.
  if (playlist.discontinuity_sequence() > 0) {
    out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(playlist.discontinuity_sequence()) + "\n";
  }
  // Every segment starts with a keyframe (the segmenter cuts nowhere else), RFC 8216 4.3.5.1.
  out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
}

// The tags that apply to a segment as a whole, before its parts and its URI line.
void write_segment_tags(const SegmentEntry& segment, const std::string* previous_init, std::string& out) {
  if (segment.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
  // RFC 8216 4.3.2.5: a map applies to every segment after it until the next one, so it is
  // repeated only when the init segment changes (a discontinuity with new codec parameters).
  if (!segment.init_uri.empty() && (previous_init == nullptr || *previous_init != segment.init_uri)) {
    out += "#EXT-X-MAP:URI=\"" + segment.init_uri + "\"\n";
  }
  // On every segment rather than only after discontinuities: players (and our replay) map
  // any segment to wall-clock time without summing durations.
  out += "#EXT-X-PROGRAM-DATE-TIME:" + format_program_date_time(segment.program_date_time_ms) + "\n";
}

void write_parts(const SegmentEntry& segment, std::string& out) {
  for (const auto& part : segment.parts) {
    out += "#EXT-X-PART:DURATION=" + format_duration(part.duration_ms) + ",URI=\"" + part.uri + "\"";
    if (part.independent) out += ",INDEPENDENT=YES";
    out += "\n";
  }
}

}  // namespace

std::string write_media_playlist(const MediaPlaylist& playlist, PlaylistRendering rendering) {
  const auto& segments = playlist.segments();
  std::string out;
  out.reserve(512 + segments.size() * 128 + (playlist.low_latency() ? 2048 : 0));
  write_header(playlist, out);
  const size_t skipped = rendering.delta && playlist.low_latency() ? skippable_segments(playlist) : 0;
  if (rendering.delta && playlist.low_latency()) {
    out += "#EXT-X-SKIP:SKIPPED-SEGMENTS=" + std::to_string(skipped) + "\n";
  }
  const size_t parts_from = playlist.low_latency() ? first_segment_with_parts(playlist) : segments.size();
  const std::string* previous_init = nullptr;  // after a skip the map is written again
  for (size_t i = skipped; i < segments.size(); ++i) {
    const SegmentEntry& segment = segments[i];
    write_segment_tags(segment, previous_init, out);
    if (i >= parts_from) write_parts(segment, out);
    out += "#EXTINF:" + format_duration(segment.duration_ms) + ",\n";
    out += segment.uri + "\n";
    previous_init = &segment.init_uri;
  }
  if (const auto& open = playlist.open(); open && !open->parts.empty()) {
    write_segment_tags(*open, previous_init, out);
    write_parts(*open, out);
  }
  if (!playlist.preload_hint().empty() && !playlist.ended()) {
    out += "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + playlist.preload_hint() + "\"\n";
  }
  if (playlist.ended()) out += "#EXT-X-ENDLIST\n";
  return out;
}

size_t skippable_segments(const MediaPlaylist& playlist) {
  // RFC 8216bis 6.2.5.1: segments that end before the skip boundary (CAN-SKIP-UNTIL before the
  // end of the playlist) may be skipped; counting from the end keeps the rest whole.
  const auto& segments = playlist.segments();
  int64_t from_end = open_duration_ms(playlist);
  size_t kept = 0;
  while (kept < segments.size() && from_end < can_skip_until_ms(playlist)) {
    from_end += segments[segments.size() - 1 - kept].duration_ms;
    ++kept;
  }
  return segments.size() - kept;
}

int64_t part_hold_back_ms(const MediaPlaylist& playlist) {
  return 3 * playlist.part_target_ms();
}

int64_t can_skip_until_ms(const MediaPlaylist& playlist) {
  return 6 * playlist.target_duration_s() * 1000;
}

std::string format_program_date_time(int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds{unix_ms}};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

std::string format_duration(int64_t duration_ms) {
  if (duration_ms < 0) duration_ms = 0;
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(duration_ms / 1000),
                static_cast<long long>(duration_ms % 1000));
  return text;
}

}  // namespace liverelay::hls
