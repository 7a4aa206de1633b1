// Media playlist reading: line by line, tags applying to the next URI line.
#include "codec/hls/playlist_parser.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

namespace liverelay::hls {
namespace {

std::optional<int> digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + count, value);
  if (ec != std::errc{} || end != text.data() + at + count) return std::nullopt;
  return value;
}

// EXTINF:<duration>,[<title>] -> ms.
std::optional<int64_t> parse_extinf(std::string_view value) {
  const std::string number(value.substr(0, value.find(',')));
  if (number.empty() || number.size() > 32) return std::nullopt;
  char* end = nullptr;
  const double seconds = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(seconds) || seconds < 0 || seconds > 86400) {
    return std::nullopt;
  }
  return std::llround(seconds * 1000.0);
}

// EXT-X-MAP:URI="<uri>"[,BYTERANGE=...] -> the URI.
std::optional<std::string> parse_map(std::string_view value) {
  constexpr std::string_view kUri = "URI=\"";
  const size_t start = value.find(kUri);
  if (start == std::string_view::npos) return std::nullopt;
  const size_t end = value.find('"', start + kUri.size());
  if (end == std::string_view::npos) return std::nullopt;
  return std::string(value.substr(start + kUri.size(), end - start - kUri.size()));
}

std::string_view trim_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  return line;
}

}  // namespace

std::optional<int64_t> parse_program_date_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS.mmmZ
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
    return std::nullopt;
  }
  const auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  const auto milli = digits(text, 20, 3);
  if (!year || !month || !day || !hour || !minute || !second || !milli) return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  const auto midnight = sys_days{date}.time_since_epoch();
  return duration_cast<milliseconds>(midnight).count() +
         ((*hour * 60LL + *minute) * 60LL + *second) * 1000LL + *milli;
}

Result<ParsedPlaylist> parse_media_playlist(std::string_view text) {
  ParsedPlaylist parsed;
  SegmentEntry next;
  bool have_duration = false;
  std::string init;
  size_t line_number = 0;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    const std::string_view line = trim_line(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++line_number;
    auto bad = [&](std::string_view what) {
      return fail(Errc::malformed, "playlist line " + std::to_string(line_number) + ": bad " + std::string(what));
    };
    if (line.empty()) continue;
    if (line_number == 1 && line != "#EXTM3U") return bad("header (no #EXTM3U)");
    if (line.starts_with("#EXTINF:")) {
      auto duration = parse_extinf(line.substr(8));
      if (!duration) return bad("EXTINF");
      next.duration_ms = *duration;
      have_duration = true;
    } else if (line == "#EXT-X-DISCONTINUITY") {
      next.discontinuity = true;
    } else if (line.starts_with("#EXT-X-MAP:")) {
      auto uri = parse_map(line.substr(11));
      if (!uri) return bad("EXT-X-MAP");
      init = std::move(*uri);
    } else if (line.starts_with("#EXT-X-PROGRAM-DATE-TIME:")) {
      auto when = parse_program_date_time(line.substr(25));
      if (!when) return bad("EXT-X-PROGRAM-DATE-TIME");
      next.program_date_time_ms = *when;
    } else if (line == "#EXT-X-ENDLIST") {
      parsed.ended = true;
    } else if (!line.starts_with("#")) {
      if (!have_duration) return bad("segment (no EXTINF before it)");
      next.uri = std::string(line);
      next.init_uri = init;
      next.sequence = parsed.segments.size();
      parsed.segments.push_back(std::move(next));
      next = SegmentEntry{};
      have_duration = false;
    }
  }
  return parsed;
}

}  // namespace liverelay::hls
