// Restreaming over HTTP with the admin token:
//   GET    /api/v1/streams/<name>/pushes        the pushes (targets redacted) and the pull
//   POST   /api/v1/streams/<name>/pushes        {"url":"rtmp://host/app/key"} adds a push
//   DELETE /api/v1/streams/<name>/pushes/<id>   removes one
// 401 without the token. The stats API shows the same state in each stream's "relay".
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "server/http/http_types.hpp"
#include "server/relay/relays.hpp"

namespace liverelay {

// {"pushes":[{id, target, state, connects, failures, bytes_out, dropped_frames, last_error}],
//  "pull": {origin, state, on_demand, connects, failures, last_error} or null}
nlohmann::json relay_json(const Relays& relays, const std::string& stream);

class RelayApi {
 public:
  RelayApi(Relays& relays, std::string admin_token) : relays_(relays), admin_token_(std::move(admin_token)) {}

  std::optional<HttpResponse> route(const HttpRequest& request);

 private:
  HttpResponse add_push(const std::string& stream, const HttpRequest& request);
  HttpResponse remove_push(const std::string& stream, std::string_view id, const HttpRequest& request);

  Relays& relays_;
  std::string admin_token_;
};

}  // namespace liverelay
