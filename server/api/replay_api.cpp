// ReplayApi: the broadcasts index as JSON, a broadcast's comments and reactions, deletion.
#include "server/api/replay_api.hpp"

#include <charconv>
#include <cmath>

#include "server/api/bearer.hpp"
#include "server/clock.hpp"
#include "server/http/json_response.hpp"
#include "server/http/route_path.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kBroadcasts = "broadcasts";

// Durations in seconds to a tenth, as players show them.
double tenths_of_seconds(int64_t ms) {
  return std::round(static_cast<double>(ms) / 100.0) / 10.0;
}

bool has_playlist(std::string_view state) {
  return state == "recording" || state == "complete" || state == "partial";
}

std::optional<int64_t> parse_id(std::string_view text) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace

std::optional<HttpResponse> ReplayApi::route(const HttpRequest& request) {
  const auto path = split_route_path(request.path, kStreamsApiPrefix);
  if (!path || path->name.empty() || !path->rest.starts_with(kBroadcasts)) return std::nullopt;
  const std::string stream(path->name);
  std::string_view tail = path->rest.substr(kBroadcasts.size());
  if (!tail.empty() && tail.front() != '/') return std::nullopt;
  if (tail.empty() || tail == "/") {
    if (request.method != "GET" && request.method != "HEAD") return api_error(405, "use GET");
    return list(stream);
  }
  tail.remove_prefix(1);
  const size_t slash = tail.find('/');
  const std::string_view what = slash == std::string_view::npos ? std::string_view{} : tail.substr(slash + 1);
  if (what != "" && what != "comments" && what != "reactions") return api_error(404, "no such call");
  const auto id = parse_id(tail.substr(0, slash));
  if (!id) return api_error(404, "bad broadcast id");
  const bool deleting = request.method == "DELETE" && what.empty();
  if (!deleting && request.method != "GET" && request.method != "HEAD") {
    return api_error(405, what.empty() ? "use GET or DELETE" : "use GET");
  }
  auto found = broadcasts_.find(*id);
  if (!found) return api_error(500, "the index could not be read");
  if (deleting && !carries_token(request, admin_token_)) {
    logger("api")->warn("{}: DELETE broadcast {} from {} refused: no admin token", stream, *id, request.peer);
    return api_error(401, "the admin token is needed");
  }
  if (!*found || (*found)->stream != stream) return api_error(404, "no such broadcast");
  if (deleting) return remove(**found, request);
  return one(**found, what);
}

nlohmann::json ReplayApi::broadcast_json(const Broadcast& broadcast, int64_t now_ms) const {
  const Recorder* recorder = recordings_.open_recording(broadcast.id);
  const auto current = recordings_.current(broadcast.stream);
  const bool live = current && current->id == broadcast.id;
  int64_t duration_ms = broadcast.duration_ms;
  int64_t bytes = broadcast.bytes;
  if (recorder != nullptr) {
    duration_ms = recorder->duration_ms();
    bytes = static_cast<int64_t>(recorder->status().bytes);
  } else if (broadcast.recording == "none") {  // not recorded: the broadcast's own length
    duration_ms = broadcast.ended_at_ms.value_or(now_ms) - broadcast.started_at_ms;
  }
  nlohmann::json out = {{"id", broadcast.id},
                        {"stream", broadcast.stream},
                        {"started_at", broadcast.started_at_ms},
                        {"ended_at", nullptr},
                        {"live", live},
                        {"duration_s", tenths_of_seconds(std::max<int64_t>(duration_ms, 0))},
                        {"peak_viewers", broadcast.peak_viewers},
                        {"comments", broadcast.comments},
                        {"bytes", bytes},
                        {"recording", recorder ? recorder->status().state : broadcast.recording},
                        {"playlist", nullptr}};
  if (broadcast.ended_at_ms) out["ended_at"] = *broadcast.ended_at_ms;
  if (has_playlist(broadcast.recording)) out["playlist"] = replay_playlist_url(broadcast.stream, broadcast.id);
  return out;
}

HttpResponse ReplayApi::list(const std::string& stream) {
  auto listed = broadcasts_.list(stream);
  if (!listed) return api_error(500, "the index could not be read");
  nlohmann::json out = nlohmann::json::array();
  const int64_t now = wall_ms();
  for (const Broadcast& broadcast : *listed) out.push_back(broadcast_json(broadcast, now));
  return json_response(out);
}

HttpResponse ReplayApi::one(const Broadcast& broadcast, std::string_view what) {
  if (what.empty()) return json_response(broadcast_json(broadcast, wall_ms()));
  nlohmann::json out = {{"broadcast", broadcast.id}, {"started_at", broadcast.started_at_ms}};
  if (what == "comments") {
    auto comments = comments_.for_broadcast(broadcast.id);
    if (!comments) return api_error(500, "the comments could not be read");
    out["comments"] = nlohmann::json::array();
    for (const StoredComment& c : *comments) {
      out["comments"].push_back({{"id", c.id}, {"user", c.user}, {"text", c.text}, {"ts", c.ts_ms},
                                 {"bot", c.bot}, {"offset_ms", c.offset_ms.value_or(c.ts_ms - broadcast.started_at_ms)}});
    }
    return json_response(out);
  }
  auto reactions = reactions_.for_broadcast(broadcast.id);
  if (!reactions) return api_error(500, "the reactions could not be read");
  out["reactions"] = nlohmann::json::array();
  for (const StoredReactions& r : *reactions) {
    out["reactions"].push_back({{"offset_s", r.second}, {"kind", r.kind}, {"count", r.count}});
  }
  return json_response(out);
}

HttpResponse ReplayApi::remove(const Broadcast& broadcast, const HttpRequest& request) {
  auto removed = recordings_.remove(broadcast.id);
  if (!removed && removed.error().code == Errc::refused) return api_error(409, removed.error().message);
  if (!removed) return api_error(500, "the broadcast could not be deleted");
  logger("api")->info("{}: admin at {} deleted broadcast {}", broadcast.stream, request.peer, broadcast.id);
  if (!*removed) return api_error(404, "no such broadcast");
  return HttpResponse::json(204, "");
}

}  // namespace liverelay
