// Paths of the form <prefix><name>/<rest> ("/live/cam1/index.m3u8",
// "/api/v1/streams/cam1/kick"), split the same way by every route that serves one stream.
#pragma once

#include <optional>
#include <string_view>

namespace liverelay {

// DESIGN.md's URL contract: a stream's media, pages and room live under the first, its API
// resources under the second.
inline constexpr std::string_view kLivePrefix = "/live/";
inline constexpr std::string_view kStreamsApiPrefix = "/api/v1/streams/";

struct RoutePath {
  std::string_view name;  // up to the first '/' after the prefix: never holds a '/', may be empty
  std::string_view rest;  // after that '/': may be empty or hold more '/'
};

// nullopt when `path` does not start with `prefix` or has no '/' after the name. The views
// point into `path`.
inline std::optional<RoutePath> split_route_path(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  path.remove_prefix(prefix.size());
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return RoutePath{path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace liverelay
