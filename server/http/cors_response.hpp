// A response for players on other origins (HLS and replays): its type, how long it may be
// cached, and CORS open to every origin.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "server/http/http_types.hpp"

namespace liverelay {

inline constexpr std::string_view kPlaylistContentType = "application/vnd.apple.mpegurl";  // RFC 8216 4

inline HttpResponse cors_response(std::string content_type, std::string_view cache_control) {
  HttpResponse response;
  response.content_type = std::move(content_type);
  response.headers.emplace_back("Cache-Control", std::string(cache_control));
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return response;
}

}  // namespace liverelay
