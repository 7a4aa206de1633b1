// ReplayRoutes: path checks, the broadcast's row, then memory (live) or the folder (sendfile).
#include "server/record/replay_routes.hpp"

#include <algorithm>
#include <charconv>

#include "server/http/cors_response.hpp"
#include "server/http/route_path.hpp"
#include "server/logging.hpp"
#include "server/record/mapped_file.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kReplay = "replay/";

HttpResponse no_such_replay() {
  HttpResponse response = cors_response("text/plain", "no-cache");
  response.status = 404;
  response.body = "no such replay\n";
  return response;
}

HttpResponse with_file(HttpResponse response, hls::SharedSegmentBytes bytes) {
  response.shared_body = bytes->view();
  response.body_fd = bytes->file_descriptor();
  response.body_owner = std::move(bytes);
  return response;
}

// Segment and init names as the recorder writes them: no folders, no hidden files.
std::optional<std::string_view> media_type(std::string_view name) {
  const bool plain = !name.empty() && name.size() <= 128 && name.front() != '.' &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                              c == '-' || c == '_' || c == '.';
                     });
  if (!plain) return std::nullopt;
  if (name.ends_with(".ts")) return "video/mp2t";
  if (name.ends_with(".mp4") || name.ends_with(".m4s")) return "video/mp4";
  return std::nullopt;
}

bool closed_state(std::string_view state) { return state == "complete" || state == "partial"; }

}  // namespace

std::optional<HttpResponse> ReplayRoutes::route(const HttpRequest& request) {
  // /live/<name>/replay/<id>/<file>
  const auto live = split_route_path(request.path, kLivePrefix);
  if (!live || live->name.empty()) return std::nullopt;
  const auto replay = split_route_path(live->rest, kReplay);
  if (!replay) return std::nullopt;
  const std::string_view name = live->name;
  const std::string_view id_text = replay->name;
  const std::string_view file_name = replay->rest;
  if (file_name.empty() || file_name.find('/') != std::string_view::npos) return std::nullopt;
  if (request.method == "OPTIONS") {
    HttpResponse preflight = cors_response("text/plain", "max-age=86400");
    preflight.status = 204;
    preflight.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    return preflight;
  }
  if (request.method != "GET" && request.method != "HEAD") return HttpResponse::json(405, R"({"error":"use GET"})");
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size()) return no_such_replay();
  auto found = store_.find(id);
  if (!found) {
    logger("http")->error("replay {}: {}", id, found.error().message);
    return HttpResponse::json(500, R"({"error":"the index could not be read"})");
  }
  if (!*found || (*found)->stream != name) return no_such_replay();
  if (file_name == Recorder::kPlaylistName) return playlist(**found);
  return file(**found, file_name);
}

HttpResponse ReplayRoutes::playlist(const Broadcast& broadcast) {
  if (const Recorder* recorder = recordings_.open_recording(broadcast.id)) {
    // Live: the DVR window, which changes with every segment.
    auto text = recorder->dvr_playlist();
    if (!text) return no_such_replay();
    HttpResponse response = cors_response(std::string(kPlaylistContentType), "max-age=1");
    response.shared_body = {reinterpret_cast<const uint8_t*>(text->data()), text->size()};
    response.body_owner = std::move(text);
    return response;
  }
  auto folder = recordings_.folder_of(broadcast);
  auto bytes = folder ? map_file(*folder / Recorder::kPlaylistName) : nullptr;
  if (!bytes) return no_such_replay();
  // A closed recording's playlist never changes again (a deletion makes it a 404).
  const bool vod = closed_state(broadcast.recording);
  return with_file(
      cors_response(std::string(kPlaylistContentType), vod ? "public, max-age=86400" : "max-age=1"),
      std::move(bytes));
}

HttpResponse ReplayRoutes::file(const Broadcast& broadcast, std::string_view name) {
  const auto type = media_type(name);
  auto folder = recordings_.folder_of(broadcast);
  if (!type || !folder) return no_such_replay();
  auto bytes = map_file(*folder / std::string(name));
  if (!bytes) return no_such_replay();
  // The live HLS's URIs, never reused by a later broadcast: the bytes never change.
  return with_file(cors_response(std::string(*type), "public, max-age=86400, immutable"), std::move(bytes));
}

}  // namespace liverelay
