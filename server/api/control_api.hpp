// Operator control over HTTP with the admin token:
//   POST /api/v1/streams/<name>/kick   disconnects the publisher and ends the broadcast at once
// (comments and bans: server/api/room_api). 401 without the token; every call is logged.
#pragma once

#include <optional>
#include <string>

#include "server/http/http_types.hpp"
#include "server/rtmp/rtmp_server.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

class ControlApi {
 public:
  ControlApi(StreamRegistry& streams, RtmpServer& rtmp, std::string admin_token)
      : streams_(streams), rtmp_(rtmp), admin_token_(std::move(admin_token)) {}

  std::optional<HttpResponse> route(const HttpRequest& request);

 private:
  StreamRegistry& streams_;
  RtmpServer& rtmp_;
  std::string admin_token_;
};

}  // namespace liverelay
