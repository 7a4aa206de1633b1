// HTTP calls on rooms with a token: bots post comments, the admin deletes comments and bans.
//   POST   /api/v1/streams/<name>/comments       {"text":"..."}                 bot token
//   DELETE /api/v1/streams/<name>/comments/<id>                                  admin token
//   POST   /api/v1/streams/<name>/bans           {"user":"..."} | {"address":"..."}  admin token
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/http/http_types.hpp"
#include "server/room/room_registry.hpp"

namespace liverelay {

class RoomApi {
 public:
  RoomApi(RoomRegistry& rooms, std::string admin_token, std::vector<BotAccount> bots)
      : rooms_(rooms), admin_token_(std::move(admin_token)), bots_(std::move(bots)) {}

  // The response for one of the calls above, or nullopt when the request is not one of them.
  std::optional<HttpResponse> route(const HttpRequest& request);

 private:
  HttpResponse post_comment(Room& room, const HttpRequest& request);
  HttpResponse delete_comment(Room& room, std::string_view id, const HttpRequest& request);
  HttpResponse add_ban(Room& room, const HttpRequest& request);
  [[nodiscard]] bool is_admin(const HttpRequest& request) const;
  [[nodiscard]] const BotAccount* bot_of(const HttpRequest& request) const;

  RoomRegistry& rooms_;
  std::string admin_token_;
  std::vector<BotAccount> bots_;
};

}  // namespace liverelay
