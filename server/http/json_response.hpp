// JSON as the server writes it: compact, with text from peers (encoder names, stream metadata,
// comments) that is not valid UTF-8 replaced rather than thrown on.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "server/http/http_types.hpp"

namespace liverelay {

inline std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline HttpResponse json_response(const nlohmann::json& value) { return HttpResponse::json(200, json_text(value)); }

}  // namespace liverelay
