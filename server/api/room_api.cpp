// RoomApi: bearer tokens checked in constant time, every control call logged (never the token).
#include "server/api/room_api.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "protocol/room/server_message.hpp"
#include "server/api/bearer.hpp"
#include "server/clock.hpp"
#include "server/http/route_path.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

// The JSON object in a request body, or nullopt.
std::optional<nlohmann::json> json_body(const HttpRequest& request) {
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return std::nullopt;
  return body;
}

}  // namespace

std::optional<HttpResponse> RoomApi::route(const HttpRequest& request) {
  const auto path = split_route_path(request.path, kStreamsApiPrefix);
  if (!path) return std::nullopt;
  const std::string name(path->name);
  const std::string_view action = path->rest;
  const bool comments = action == "comments";
  const bool one_comment = action.starts_with("comments/");
  const bool bans = action == "bans";
  if (!comments && !one_comment && !bans) return std::nullopt;
  if ((comments || bans) && request.method != "POST") return api_error(405, "use POST");
  if (one_comment && request.method != "DELETE") return api_error(405, "use DELETE");

  Room* room = rooms_.room(name);
  if (room == nullptr) return api_error(404, "no such stream");
  if (comments) return post_comment(*room, request);
  if (one_comment) return delete_comment(*room, action.substr(std::string_view("comments/").size()), request);
  return add_ban(*room, request);
}

HttpResponse RoomApi::post_comment(Room& room, const HttpRequest& request) {
  const BotAccount* bot = bot_of(request);
  if (bot == nullptr) {
    logger("api")->warn("{}: POST comment from {} refused: no valid bot token", room.name(), request.peer);
    return api_error(401, "a bot token is needed");
  }
  auto body = json_body(request);
  if (!body || !(*body)["text"].is_string()) return api_error(400, "the body must be {\"text\":\"...\"}");
  auto posted = room.post(bot->name, (*body)["text"].get<std::string>(), true, wall_ms(), request.peer);
  if (!posted) return api_error(400, posted.error().message);
  logger("api")->info("{}: bot {} posted comment {}", room.name(), bot->name, posted->id);
  HttpResponse response = HttpResponse::json(201, room::comment_message(*posted));
  return response;
}

HttpResponse RoomApi::delete_comment(Room& room, std::string_view id_text, const HttpRequest& request) {
  if (!is_admin(request)) {
    logger("api")->warn("{}: DELETE comment from {} refused: no admin token", room.name(), request.peer);
    return api_error(401, "the admin token is needed");
  }
  uint64_t id = 0;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size()) return api_error(400, "bad comment id");
  auto deleted = room.delete_comment(id);
  if (!deleted) return api_error(500, "the comment could not be deleted");
  logger("api")->info("{}: admin at {} deleted comment {}: {}", room.name(), request.peer, id,
                      *deleted ? "done" : "not found");
  if (!*deleted) return api_error(404, "no such comment");
  HttpResponse response = HttpResponse::json(204, "");
  return response;
}

HttpResponse RoomApi::add_ban(Room& room, const HttpRequest& request) {
  if (!is_admin(request)) {
    logger("api")->warn("{}: POST ban from {} refused: no admin token", room.name(), request.peer);
    return api_error(401, "the admin token is needed");
  }
  auto body = json_body(request);
  if (!body) return api_error(400, "the body must be {\"user\":\"...\"} or {\"address\":\"...\"}");
  const bool by_user = (*body)["user"].is_string();
  const bool by_address = (*body)["address"].is_string();
  if (by_user == by_address) return api_error(400, "give exactly one of user and address");
  const std::string value = (*body)[by_user ? "user" : "address"].get<std::string>();
  if (value.empty() || value.size() > 128) return api_error(400, "bad ban value");
  auto banned = room.ban(by_user ? BanKind::user : BanKind::address, value, wall_ms());
  if (!banned) return api_error(500, "the ban could not be stored");
  logger("api")->info("{}: admin at {} added a {} ban", room.name(), request.peer, by_user ? "user" : "address");
  return HttpResponse::json(201, nlohmann::json{{"banned", value}}.dump());
}

bool RoomApi::is_admin(const HttpRequest& request) const { return carries_token(request, admin_token_); }

const BotAccount* RoomApi::bot_of(const HttpRequest& request) const {
  for (const auto& bot : bots_) {
    if (carries_token(request, bot.token)) return &bot;
  }
  return nullptr;
}

}  // namespace liverelay
