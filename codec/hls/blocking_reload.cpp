// Blocking playlist reload: parsing the _HLS_ directives and deciding when to answer.
#include "codec/hls/blocking_reload.hpp"

#include <charconv>
#include <string>

namespace liverelay::hls {
namespace {

Result<uint64_t> parse_number(std::string_view name, std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    return fail(Errc::malformed, std::string(name) + " is not a decimal integer");
  }
  return value;
}

// RFC 8216bis 6.2.5.2: the Advance Part Limit is three divided by the part target when that is
// under a second, else three.
uint64_t advance_part_limit(const MediaPlaylist& playlist) {
  const int64_t part_ms = playlist.part_target_ms();
  if (part_ms <= 0 || part_ms >= 1000) return 3;
  return static_cast<uint64_t>(3000 / part_ms);
}

}  // namespace

Result<ReloadRequest> parse_reload_query(std::string_view query) {
  ReloadRequest request;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (key == "_HLS_msn") {
      auto number = parse_number(key, value);
      if (!number) return tl::unexpected(number.error());
      request.msn = *number;
    } else if (key == "_HLS_part") {
      auto number = parse_number(key, value);
      if (!number) return tl::unexpected(number.error());
      request.part = *number;
    } else if (key == "_HLS_skip") {
      if (value != "YES" && value != "v2") return fail(Errc::malformed, "_HLS_skip must be YES or v2");
      request.skip = true;
    }
  }
  if (request.part && !request.msn) return fail(Errc::malformed, "_HLS_part without _HLS_msn");
  return request;
}

ReloadVerdict judge_reload(const MediaPlaylist& playlist, const ReloadRequest& request) {
  if (!request.msn || playlist.ended()) return ReloadVerdict::ready;
  const uint64_t msn = *request.msn;
  // Listed whole, or already slid out of the window: either way this playlist is newer.
  if (msn < playlist.next_sequence()) return ReloadVerdict::ready;
  const auto& open = playlist.open();
  const size_t open_parts = open ? open->parts.size() : 0;
  // The last segment the playlist shows anything of: the open one once it has a part.
  const uint64_t last_msn = open_parts > 0 ? playlist.next_sequence() : playlist.next_sequence() - 1;
  if (playlist.next_sequence() == 0 && open_parts == 0) {
    // Nothing listed yet: only the first segment's beginning is worth waiting for.
    return msn <= 2 ? ReloadVerdict::wait : ReloadVerdict::bad_request;
  }
  if (msn > last_msn + 2) return ReloadVerdict::bad_request;
  if (!request.part) return ReloadVerdict::wait;  // segment `msn` is not whole yet
  const uint64_t part = *request.part;
  if (msn == playlist.next_sequence()) {
    if (part < open_parts) return ReloadVerdict::ready;
    return part - open_parts >= advance_part_limit(playlist) ? ReloadVerdict::bad_request : ReloadVerdict::wait;
  }
  // A segment after the open one: its parts are at least as far as its own index.
  return part >= advance_part_limit(playlist) ? ReloadVerdict::bad_request : ReloadVerdict::wait;
}

int64_t reload_timeout_ms(const MediaPlaylist& playlist) {
  return 3 * playlist.target_duration_s() * 1000;
}

}  // namespace liverelay::hls
