// The WHEP resource (draft-ietf-wish-whep): POST /live/<name>/whep with an SDP offer makes a
// session, DELETE /live/<name>/whep/<id> ends it, OPTIONS answers CORS preflights.
#pragma once

#include <optional>

#include "server/http/http_types.hpp"

namespace liverelay::webrtc {

class WebRtcServer;

class WhepRoutes {
 public:
  explicit WhepRoutes(WebRtcServer& server) : server_(server) {}
  // nullopt for paths that are not WHEP's.
  std::optional<HttpResponse> route(const HttpRequest& request);

 private:
  HttpResponse create(const HttpRequest& request, const std::string& stream);
  WebRtcServer& server_;
};

}  // namespace liverelay::webrtc
