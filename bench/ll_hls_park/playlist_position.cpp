// The last part of a media playlist, counted the way RFC 8216bis 6.2.5.2 numbers them.
#include "playlist_position.hpp"

#include <charconv>

namespace ll_hls_park {
namespace {

std::optional<uint64_t> decimal_after(std::string_view line, std::string_view tag) {
  std::string_view digits = line.substr(tag.size());
  while (!digits.empty() && (digits.back() == '\r' || digits.back() == ' ')) digits.remove_suffix(1);
  uint64_t value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<PartId> next_part(std::string_view playlist) {
  constexpr std::string_view kSequence = "#EXT-X-MEDIA-SEQUENCE:";
  std::optional<uint64_t> msn;
  uint64_t index = 0;
  std::optional<PartId> last;
  while (!playlist.empty()) {
    size_t end = playlist.find('\n');
    std::string_view line = playlist.substr(0, end);
    playlist.remove_prefix(end == std::string_view::npos ? playlist.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with(kSequence)) {
      msn = decimal_after(line, kSequence);
      if (!msn) return std::nullopt;
    } else if (line.starts_with("#EXT-X-SKIP:")) {
      return std::nullopt;
    } else if (line.starts_with("#EXT-X-PART:")) {
      if (!msn) return std::nullopt;  // RFC 8216 4.3.3.2: the sequence comes before any segment
      last = PartId{*msn, index++};
    } else if (!line.empty() && line.front() != '#') {  // a segment's URI closes it
      if (!msn) return std::nullopt;
      ++*msn;
      index = 0;
    }
  }
  if (!last) return std::nullopt;
  if (last->msn < *msn) return PartId{*msn, 0};  // the last listed segment is complete
  return PartId{last->msn, last->part + 1};
}

std::string blocking_reload_target(std::string_view path, PartId part) {
  return std::string(path) + "?_HLS_msn=" + std::to_string(part.msn) +
         "&_HLS_part=" + std::to_string(part.part);
}

}  // namespace ll_hls_park
