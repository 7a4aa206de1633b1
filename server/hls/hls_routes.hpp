// HTTP routes of live HLS: /live/<name>/index.m3u8 and the segments it names, from memory.
#pragma once

#include <optional>

#include "server/hls/hls_sessions.hpp"
#include "server/http/http_types.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

class HlsRoutes {
 public:
  HlsRoutes(StreamRegistry& registry, HlsSessions& sessions) : registry_(registry), sessions_(sessions) {}

  // The response for a /live/<name>/<file> request, or nullopt when the path is not ours.
  std::optional<HttpResponse> route(const HttpRequest& request);

 private:
  StreamRegistry& registry_;
  HlsSessions& sessions_;
};

}  // namespace liverelay
