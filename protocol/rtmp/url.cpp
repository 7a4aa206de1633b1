// rtmp:// URLs: a small parser, since the app/stream split is RTMP's own convention.
#include "protocol/rtmp/url.hpp"

#include <charconv>

#include <fmt/format.h>

namespace liverelay::rtmp {
namespace {

std::string host_for_url(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

// "host", "host:port", "[v6]", "[v6]:port" -> host and port.
Result<void> parse_authority(std::string_view authority, Url& url) {
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(Errc::malformed, "rtmp url: unclosed [ in the host");
    url.host = std::string(authority.substr(1, close - 1));
    auto rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return fail(Errc::malformed, "rtmp url: junk after the host");
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return fail(Errc::malformed, "rtmp url: no host");
  if (port_text.empty()) return {};
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return fail(Errc::malformed, "rtmp url: bad port");
  }
  url.port = static_cast<uint16_t>(port);
  return {};
}

}  // namespace

std::string Url::tc_url() const { return fmt::format("rtmp://{}:{}/{}", host_for_url(host), port, app); }

std::string Url::redacted() const { return tc_url() + "/…"; }

Result<Url> parse_url(std::string_view text) {
  constexpr std::string_view kScheme = "rtmp://";
  if (text.starts_with("rtmps://")) return fail(Errc::unsupported, "rtmp url: rtmps (TLS) is not supported");
  if (!text.starts_with(kScheme)) return fail(Errc::malformed, "rtmp url: must start with rtmp://");
  text.remove_prefix(kScheme.size());
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return fail(Errc::malformed, "rtmp url: no app and stream name");
  Url url;
  if (auto authority = parse_authority(text.substr(0, slash), url); !authority) return tl::unexpected(authority.error());
  const auto path = text.substr(slash + 1);
  const auto next = path.find('/');
  if (next == std::string_view::npos || next == 0 || next + 1 == path.size()) {
    return fail(Errc::malformed, "rtmp url: the path must be /app/stream");
  }
  url.app = std::string(path.substr(0, next));
  url.stream_name = std::string(path.substr(next + 1));
  return url;
}

}  // namespace liverelay::rtmp
