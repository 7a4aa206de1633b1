// ControlApi: kick, with the stream ended without the reconnect grace.
#include "server/api/control_api.hpp"

#include <nlohmann/json.hpp>

#include "server/api/bearer.hpp"
#include "server/http/route_path.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kKick = "kick";

}  // namespace

std::optional<HttpResponse> ControlApi::route(const HttpRequest& request) {
  const auto path = split_route_path(request.path, kStreamsApiPrefix);
  if (!path || path->name.empty() || path->rest != kKick) return std::nullopt;
  const std::string name(path->name);
  if (request.method != "POST") return api_error(405, "use POST");
  if (!carries_token(request, admin_token_)) {
    logger("api")->warn("kick {} from {} refused: no admin token", name, request.peer);
    return api_error(401, "the admin token is needed");
  }
  Stream* stream = streams_.find(name);
  if (stream == nullptr || !stream->live()) return api_error(404, "no live stream of that name");
  const uint64_t connection = stream->publisher()->connection_id;
  logger("api")->info("kick {}: publisher connection {} disconnected by the admin at {}", name, connection,
                      request.peer);
  rtmp_.kick(connection, "kicked by the admin");
  stream->end_now();  // no reconnect grace: the broadcast is over
  return HttpResponse::json(200, nlohmann::json{{"kicked", name}}.dump());
}

}  // namespace liverelay
