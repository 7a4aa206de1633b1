// HlsRoutes: playlists with short caching, segments with immutable caching, CORS for players
// on other origins, 404 for a stream with no HLS.
#include "server/hls/hls_routes.hpp"

#include "server/clock.hpp"
#include "server/http/cors_response.hpp"
#include "server/http/route_path.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kLivePrefix = "/live/";
constexpr std::string_view kPlaylist = "index.m3u8";

// Body bytes as answered (HEAD sends none); a client that hangs up early still counts them.
void count_served(Stream& stream, const HttpRequest& request, const HttpResponse& response) {
  stream.on_hls_served(request.method == "HEAD" ? 0 : response.bytes().size());
}

HttpResponse not_found() {
  HttpResponse response = cors_response("text/plain", "no-cache");
  response.status = 404;
  response.body = "stream not live\n";
  return response;
}

}  // namespace

std::optional<HttpResponse> HlsRoutes::route(const HttpRequest& request) {
  const auto path = split_route_path(request.path, kLivePrefix);
  if (!path) return std::nullopt;
  const std::string name(path->name);
  const std::string_view file = path->rest;
  if (file.empty() || file.find('/') != std::string_view::npos) return std::nullopt;
  if (request.method == "OPTIONS") {
    HttpResponse preflight = cors_response("text/plain", "max-age=86400");
    preflight.status = 204;
    preflight.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    return preflight;
  }
  Stream* stream = registry_.find(name);
  const HlsPackager* hls = stream ? stream->hls() : nullptr;
  if (hls == nullptr) return not_found();

  if (file == kPlaylist) {
    auto playlist = hls->playlist();
    if (!playlist) return not_found();
    sessions_.on_playlist_request(name, request.peer, request.user_agent, steady_ms());
    // Short: a live playlist changes every segment; a cache may still absorb a burst of players.
    HttpResponse response = cors_response("application/vnd.apple.mpegurl", "max-age=1");
    response.body = *playlist;
    count_served(*stream, request, response);
    return response;
  }
  auto segment = hls->find(file);
  if (!segment) return not_found();
  // Segment URIs carry the broadcast's tag and are never reused: they never change.
  HttpResponse response = cors_response(segment->content_type, "public, max-age=86400, immutable");
  response.shared_body = segment->bytes->view();
  response.body_owner = segment->bytes;
  response.body_fd = segment->bytes->file_descriptor();
  count_served(*stream, request, response);
  return response;
}

}  // namespace liverelay
