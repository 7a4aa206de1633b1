// Media playlist text: the tags of RFC 8216 4.3 written from a MediaPlaylist.
#include "codec/hls/playlist_writer.hpp"

#include <chrono>
#include <cstdio>

namespace liverelay::hls {
namespace {

// RFC 8216 7: floating-point EXTINF needs version 3; EXT-X-MAP outside an I-frames-only
// playlist needs version 6.
int protocol_version(SegmentFormat format) {
  return format == SegmentFormat::fmp4 ? 6 : 3;
}

void write_header(const MediaPlaylist& playlist, std::string& out) {
  out += "#EXTM3U\n";
  out += "#EXT-X-VERSION:" + std::to_string(protocol_version(playlist.format())) + "\n";
  out += "#EXT-X-TARGETDURATION:" + std::to_string(playlist.target_duration_s()) + "\n";
  out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(playlist.media_sequence()) + "\n";
  // RFC 8216 4.3.3.3: only meaningful once a discontinuity has left the window.
  if (playlist.discontinuity_sequence() > 0) {
    out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(playlist.discontinuity_sequence()) + "\n";
  }
  // Every segment starts with a keyframe (the segmenter cuts nowhere else), RFC 8216 4.3.5.1.
  out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
}

void write_segment(const SegmentEntry& segment, const std::string* previous_init, std::string& out) {
  if (segment.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
  // RFC 8216 4.3.2.5: a map applies to every segment after it until the next one, so it is
  // repeated only when the init segment changes (a discontinuity with new codec parameters).
  if (!segment.init_uri.empty() && (previous_init == nullptr || *previous_init != segment.init_uri)) {
    out += "#EXT-X-MAP:URI=\"" + segment.init_uri + "\"\n";
  }
  // On every segment rather than only after discontinuities: players (and our replay) map
  // any segment to wall-clock time without summing durations.
  out += "#EXT-X-PROGRAM-DATE-TIME:" + format_program_date_time(segment.program_date_time_ms) + "\n";
  out += "#EXTINF:" + format_duration(segment.duration_ms) + ",\n";
  out += segment.uri + "\n";
}

}  // namespace

std::string write_media_playlist(const MediaPlaylist& playlist) {
  std::string out;
  out.reserve(256 + playlist.segments().size() * 128);
  write_header(playlist, out);
  const std::string* previous_init = nullptr;
  for (const auto& segment : playlist.segments()) {
    write_segment(segment, previous_init, out);
    previous_init = &segment.init_uri;
  }
  if (playlist.ended()) out += "#EXT-X-ENDLIST\n";
  return out;
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
