// WhepRoutes: HTTP to WebRtcServer and back.
#include "server/webrtc/whep_routes.hpp"

#include <string>

#include <fmt/format.h>

#include "server/stream/publish_auth.hpp"
#include "server/http/route_path.hpp"
#include "server/webrtc/webrtc_server.hpp"

namespace liverelay::webrtc {
namespace {

// A player on another origin must be able to POST an offer, read Location and DELETE it.
HttpResponse with_cors(HttpResponse response) {
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  response.headers.emplace_back("Access-Control-Expose-Headers", "Location, Accept-Post");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body) + "\n";
  return with_cors(std::move(response));
}

HttpResponse preflight(std::string_view methods) {
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  response.headers.emplace_back("Access-Control-Allow-Methods", std::string(methods));
  response.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type, Authorization");
  response.headers.emplace_back("Access-Control-Max-Age", "86400");
  response.headers.emplace_back("Accept-Post", "application/sdp");
  return with_cors(std::move(response));
}

HttpResponse method_not_allowed(std::string_view allowed) {
  HttpResponse response = text(405, "method not allowed");
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

}  // namespace

std::optional<HttpResponse> WhepRoutes::route(const HttpRequest& request) {
  auto path = split_route_path(request.path, kLivePrefix);
  if (!path || !is_valid_stream_name(path->name)) return std::nullopt;
  const std::string stream(path->name);
  if (path->rest == "whep") {
    if (request.method == "OPTIONS") return preflight("POST, OPTIONS");
    if (request.method == "POST") return create(request, stream);
    return method_not_allowed("POST, OPTIONS");
  }
  if (!path->rest.starts_with("whep/")) return std::nullopt;
  const std::string id(path->rest.substr(5));
  if (request.method == "OPTIONS") return preflight("DELETE, PATCH, OPTIONS");
  // Trickle ICE and ICE restarts (PATCH) are optional in WHEP: our candidates are all in the
  // answer, and a viewer that loses its path makes a new session.
  if (request.method == "PATCH") return method_not_allowed("DELETE, OPTIONS");
  if (request.method != "DELETE") return method_not_allowed("DELETE, OPTIONS");
  if (!server_.end_session(stream, id)) return text(404, fmt::format("no WHEP session {} on stream {}", id, stream));
  HttpResponse response;
  response.status = 200;
  response.content_type.clear();
  return with_cors(std::move(response));
}

HttpResponse WhepRoutes::create(const HttpRequest& request, const std::string& stream) {
  const std::string_view type = request.header("content-type");
  if (!type.starts_with("application/sdp")) return text(415, "the offer must be sent as application/sdp");
  auto created = server_.create_session(stream, request.body, request.peer, request.user_agent);
  if (!created) {
    HttpResponse refusal = text(created.error().status, created.error().reason);
    if (created.error().status == 503) refusal.headers.emplace_back("Retry-After", "1");
    return refusal;
  }
  HttpResponse response;
  response.status = 201;
  response.content_type = "application/sdp";
  response.body = std::move(created->answer_sdp);
  response.headers.emplace_back("Location", fmt::format("/live/{}/whep/{}", stream, created->id));
  response.headers.emplace_back("ETag", fmt::format("\"{}\"", created->id));
  return with_cors(std::move(response));
}

}  // namespace liverelay::webrtc
