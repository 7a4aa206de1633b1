// RelayApi: pushes added and removed at run time; push targets never shown unredacted.
#include "server/api/relay_api.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "server/api/bearer.hpp"
#include "server/http/route_path.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kPushes = "pushes";

}  // namespace

nlohmann::json relay_json(const Relays& relays, const std::string& stream) {
  nlohmann::json pushes = nlohmann::json::array();
  for (const PushStatus& push : relays.pushes(stream)) {
    pushes.push_back({{"id", push.id},
                      {"target", push.target},
                      {"state", push.state},
                      {"connects", push.connects},
                      {"failures", push.failures},
                      {"bytes_out", push.bytes_out},
                      {"dropped_frames", push.dropped_frames},
                      {"last_error", push.last_error}});
  }
  nlohmann::json pull = nullptr;
  if (const PullRelay* relay = relays.pull(stream)) {
    const PullStatus status = relay->status();
    pull = {{"origin", status.origin},     {"state", status.state},       {"on_demand", status.on_demand},
            {"connects", status.connects}, {"failures", status.failures}, {"last_error", status.last_error}};
  }
  return {{"pushes", std::move(pushes)}, {"pull", std::move(pull)}};
}

std::optional<HttpResponse> RelayApi::route(const HttpRequest& request) {
  const auto path = split_route_path(request.path, kStreamsApiPrefix);
  if (!path || path->name.empty()) return std::nullopt;
  const std::string stream(path->name);
  const std::string_view action = path->rest;
  const bool all = action == kPushes;
  const bool one = action.starts_with("pushes/");
  if (!all && !one) return std::nullopt;
  if (!carries_token(request, admin_token_)) {
    logger("api")->warn("{} {} from {} refused: no admin token", request.method, request.path, request.peer);
    return api_error(401, "the admin token is needed");
  }
  if (one) {
    if (request.method != "DELETE") return api_error(405, "use DELETE");
    return remove_push(stream, action.substr(kPushes.size() + 1), request);
  }
  if (request.method == "GET") return HttpResponse::json(200, relay_json(relays_, stream).dump());
  if (request.method == "POST") return add_push(stream, request);
  return api_error(405, "use GET or POST");
}

HttpResponse RelayApi::add_push(const std::string& stream, const HttpRequest& request) {
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body["url"].is_string()) {
    return api_error(400, "the body must be {\"url\":\"rtmp://host/app/key\"}");
  }
  auto id = relays_.add_push(stream, body["url"].get<std::string>());
  if (!id) return api_error(400, id.error().message);
  const auto pushes = relays_.pushes(stream);
  const std::string target = pushes.empty() ? std::string() : pushes.back().target;
  logger("api")->info("{}: push {} to {} added by the admin at {}", stream, *id, target, request.peer);
  return HttpResponse::json(201, nlohmann::json{{"id", *id}, {"target", target}}.dump());
}

HttpResponse RelayApi::remove_push(const std::string& stream, std::string_view id_text, const HttpRequest& request) {
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size()) return api_error(400, "a push id is a number");
  if (!relays_.remove_push(stream, id)) return api_error(404, "no such push");
  logger("api")->info("{}: push {} removed by the admin at {}", stream, id, request.peer);
  return HttpResponse::json(200, nlohmann::json{{"removed", id}}.dump());
}

}  // namespace liverelay
