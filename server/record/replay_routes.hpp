// HTTP routes of replays: /live/<name>/replay/<id>/index.m3u8 and the segments it names, from
// the broadcast's recording folder (while live: the DVR window of the event playlist, from
// memory). CORS and caching as the live HLS: segments immutable, a VOD playlist long, a
// growing one short.
#pragma once

#include <optional>

#include "server/http/http_types.hpp"
#include "server/record/recordings.hpp"
#include "server/storage/broadcast_store.hpp"

namespace liverelay {

class ReplayRoutes {
 public:
  ReplayRoutes(BroadcastStore& store, Recordings& recordings) : store_(store), recordings_(recordings) {}

  // The response for a /live/<name>/replay/<id>/<file> request, or nullopt when not ours.
  std::optional<HttpResponse> route(const HttpRequest& request);

 private:
  HttpResponse playlist(const Broadcast& broadcast);
  HttpResponse file(const Broadcast& broadcast, std::string_view name);

  BroadcastStore& store_;
  Recordings& recordings_;
};

}  // namespace liverelay
