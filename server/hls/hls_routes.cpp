// HlsRoutes: playlists with short caching, segments and parts with immutable caching, CORS for
// players on other origins, 404 for a stream with no HLS; blocking playlist reloads and
// preload-hinted parts (RFC 8216bis 6.2.5) held until the packager lists what they wait for.
#include "server/hls/hls_routes.hpp"

#include <fmt/format.h>

#include "codec/hls/blocking_reload.hpp"
#include "server/clock.hpp"
#include "server/http/cors_response.hpp"
#include "server/http/route_path.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kPlaylist = "index.m3u8";

// Body bytes as answered (HEAD sends none); a client that hangs up early still counts them.
void count_served(Stream& stream, const std::string& method, const HttpResponse& response) {
  stream.on_hls_served(method == "HEAD" ? 0 : response.bytes().size());
}

HttpResponse plain(int status, std::string body) {
  HttpResponse response = cors_response("text/plain", "no-cache");
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse not_found() {
  return plain(404, "stream not live\n");
}

// The playlist text shared by every response that sends it (no copy per player).
HttpResponse playlist_response(const std::shared_ptr<const std::string>& text, std::string_view cache_control) {
  HttpResponse response = cors_response(std::string(kPlaylistContentType), cache_control);
  response.shared_body = {reinterpret_cast<const uint8_t*>(text->data()), text->size()};
  response.body_owner = text;
  return response;
}

// Segment and part URIs carry the broadcast's tag and are never reused: they never change.
HttpResponse media_response(const hls::StoredSegment& segment) {
  HttpResponse response = cors_response(segment.content_type, "public, max-age=86400, immutable");
  response.shared_body = segment.bytes->view();
  response.body_owner = segment.bytes;
  response.body_fd = segment.bytes->file_descriptor();
  return response;
}

// The playlist a reload asked for. A standard playlist changes every segment: a second of
// caching lets a cache absorb a burst of players. A low-latency one changes every part, so
// only the answers to blocking reloads are cached, and by their full URL (query included,
// RFC 8216bis 6.2.5): whoever asks for that update later may have the same answer.
HttpResponse answer_reload(const HlsPackager& hls, const hls::ReloadRequest& reload) {
  const auto text = reload.skip ? hls.delta_playlist() : hls.playlist();
  if (!hls.low_latency()) return playlist_response(text, "max-age=1");
  if (!reload.blocking()) return playlist_response(text, "no-cache");
  return playlist_response(text, fmt::format("public, max-age={}", hls.reload_timeout_ms() / 1000));
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
  HlsPackager* hls = stream ? stream->hls() : nullptr;
  if (hls == nullptr) return not_found();

  if (file == kPlaylist) return playlist(request, name, *stream, *hls);
  auto segment = hls->find(file);
  if (!segment) {
    if (!hls->preload_hint().empty() && file == hls->preload_hint()) return hinted_part(request, *stream, *hls);
    return not_found();
  }
  HttpResponse response = media_response(*segment);
  count_served(*stream, request.method, response);
  return response;
}

HttpResponse HlsRoutes::playlist(const HttpRequest& request, const std::string& name, Stream& stream,
                                 HlsPackager& hls) {
  if (!hls.playlist()) return not_found();
  sessions_.on_playlist_request(name, request.peer, request.user_agent, steady_ms());
  auto reload = hls::parse_reload_query(request.query);
  if (!reload) return plain(400, reload.error().message + "\n");
  // RFC 8216bis 6.2.5: directives are for servers that advertise them; a standard playlist
  // ignores them and answers at once.
  if (!hls.low_latency()) *reload = hls::ReloadRequest{};

  switch (hls.judge(*reload)) {
    case hls::ReloadVerdict::bad_request:
      return plain(400, "_HLS_msn/_HLS_part too far ahead of the playlist\n");
    case hls::ReloadVerdict::ready: {
      HttpResponse response = answer_reload(hls, *reload);
      count_served(stream, request.method, response);
      return response;
    }
    case hls::ReloadVerdict::wait:
      break;
  }
  return hold(request, stream, hls, "playlist update", [reload = *reload](HlsPackager& packager) -> std::optional<HttpResponse> {
    if (packager.judge(reload) == hls::ReloadVerdict::wait) return std::nullopt;
    return answer_reload(packager, reload);
  });
}

HttpResponse HlsRoutes::hinted_part(const HttpRequest& request, Stream& stream, HlsPackager& hls) {
  return hold(request, stream, hls, "part", [uri = hls.preload_hint()](HlsPackager& packager) -> std::optional<HttpResponse> {
    if (auto part = packager.find(uri)) return media_response(*part);
    if (packager.ended()) return not_found();
    return std::nullopt;
  });
}

HttpResponse HlsRoutes::hold(const HttpRequest& request, Stream& stream, HlsPackager& hls, std::string_view what,
                             Answer answer) {
  auto pending = std::make_shared<PendingResponse>();
  // The packager calls back from inside itself, so `packager` is alive; so is `stream`, its
  // owner. Nothing else is captured: the held request may outlive these routes at shutdown.
  hls.on_update([pending, answer = std::move(answer), packager = &hls, stream = &stream, method = request.method] {
    if (pending->settled()) return true;
    auto response = answer(*packager);
    if (!response) return false;
    count_served(*stream, method, *response);
    pending->answer(std::move(*response));
    return true;
  });
  // RFC 8216bis 6.2.5.2: a server that cannot deliver within three target durations answers
  // 503, and the client tries again.
  held_.hold(pending, steady_ms() + hls.reload_timeout_ms(), plain(503, fmt::format("{} not available in time\n", what)));
  return answer_later(pending);
}

}  // namespace liverelay
