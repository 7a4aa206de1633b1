// Line-by-line SDP parsing (RFC 8866 5) with a size bound and a media section bound.
#include "protocol/webrtc/sdp.hpp"

#include <charconv>

namespace liverelay::webrtc {
namespace {

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> words;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = std::min(text.find(' ', at), text.size());
    if (end > at) words.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

// "m=<media> <port>[/<number of ports>] <proto> <fmt> ..." (RFC 8866 5.14)
Result<SdpMediaSection> parse_media_line(std::string_view value) {
  const auto words = split_spaces(value);
  if (words.size() < 4) return fail(Errc::malformed, "m= line has no port, protocol or format");
  SdpMediaSection section;
  section.media = words[0];
  const std::string_view port = words[1].substr(0, words[1].find('/'));
  unsigned number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (ec != std::errc() || end != port.data() + port.size() || number > 65535)
    return fail(Errc::malformed, "m= line port \"" + std::string(words[1]) + "\" is not a port number");
  section.port = static_cast<uint16_t>(number);
  section.protocol = words[2];
  section.formats.assign(words.begin() + 3, words.end());
  return section;
}

SdpAttribute parse_attribute(std::string_view value) {
  const size_t colon = value.find(':');
  if (colon == std::string_view::npos) return {std::string(value), {}, false};
  return {std::string(value.substr(0, colon)), std::string(value.substr(colon + 1)), true};
}

}  // namespace

std::optional<std::string_view> SdpAttributes::attribute(std::string_view name) const {
  for (const SdpAttribute& a : attributes)
    if (a.name == name) return a.value;
  return std::nullopt;
}

std::vector<std::string_view> SdpAttributes::attributes_named(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const SdpAttribute& a : attributes)
    if (a.name == name) values.push_back(a.value);
  return values;
}

bool SdpAttributes::has_attribute(std::string_view name) const {
  return attribute(name).has_value();
}

Result<SessionDescription> parse_sdp(std::string_view text) {
  if (text.size() > kMaxSdpBytes)
    return fail(Errc::over_limit, "sdp: " + std::to_string(text.size()) + " bytes, over the " +
                                      std::to_string(kMaxSdpBytes) + "-byte limit");
  SessionDescription session;
  size_t line_number = 0;
  size_t at = 0;
  while (at < text.size()) {
    const size_t newline = text.find('\n', at);
    std::string_view line =
        text.substr(at, newline == std::string_view::npos ? std::string_view::npos : newline - at);
    at = newline == std::string_view::npos ? text.size() : newline + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;  // a trailing blank line is common and harmless
    ++line_number;
    const std::string where = "sdp line " + std::to_string(line_number);
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
      return fail(Errc::malformed, where + ": not <type>=<value>");
    const char type = line[0];
    const std::string_view value = line.substr(2);
    if (line_number == 1 && line != "v=0") return fail(Errc::malformed, "sdp: first line is not v=0");
    if (type == 'm') {
      if (session.media.size() == kMaxSdpMediaSections)
        return fail(Errc::over_limit, "sdp: over " + std::to_string(kMaxSdpMediaSections) + " m= sections");
      auto section = parse_media_line(value);
      if (!section) return tl::unexpected(std::move(section.error()).context(where));
      session.media.push_back(std::move(*section));
    } else if (type == 'a') {
      if (value.empty()) return fail(Errc::malformed, where + ": empty a= line");
      auto& target = session.media.empty() ? static_cast<SdpAttributes&>(session) : session.media.back();
      target.attributes.push_back(parse_attribute(value));
    }
  }
  if (line_number == 0) return fail(Errc::malformed, "sdp: empty");
  return session;
}

}  // namespace liverelay::webrtc
