// The replays API:
//   GET    /api/v1/streams/<name>/broadcasts                  newest first, each with its playlist URL
//   GET    /api/v1/streams/<name>/broadcasts/<id>             one of them
//   GET    /api/v1/streams/<name>/broadcasts/<id>/comments    its comments with offset_ms, by offset
//   GET    /api/v1/streams/<name>/broadcasts/<id>/reactions   its reactions per second and kind
//   DELETE /api/v1/streams/<name>/broadcasts/<id>             admin token: its files and rows
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/http/http_types.hpp"
#include "server/record/recordings.hpp"
#include "server/storage/broadcast_store.hpp"
#include "server/storage/comment_store.hpp"
#include "server/storage/reaction_store.hpp"

namespace liverelay {

class ReplayApi {
 public:
  ReplayApi(BroadcastStore& broadcasts, CommentStore& comments, ReactionStore& reactions, Recordings& recordings,
            std::string admin_token)
      : broadcasts_(broadcasts), comments_(comments), reactions_(reactions), recordings_(recordings),
        admin_token_(std::move(admin_token)) {}

  // The response for one of the calls above, or nullopt when the request is not one of them.
  std::optional<HttpResponse> route(const HttpRequest& request);

  // One broadcast as the API lists it (live figures from its recorder).
  [[nodiscard]] nlohmann::json broadcast_json(const Broadcast& broadcast, int64_t now_ms) const;

 private:
  HttpResponse list(const std::string& stream);
  HttpResponse one(const Broadcast& broadcast, std::string_view what);
  HttpResponse remove(const Broadcast& broadcast, const HttpRequest& request);

  BroadcastStore& broadcasts_;
  CommentStore& comments_;
  ReactionStore& reactions_;
  Recordings& recordings_;
  std::string admin_token_;
};

}  // namespace liverelay
