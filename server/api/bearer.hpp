// Bearer tokens on HTTP calls (Authorization: Bearer <token>) and the JSON errors they answer.
#pragma once

#include <string_view>

#include "server/http/http_types.hpp"

namespace liverelay {

// The token of an "Authorization: Bearer ..." header, or empty.
std::string_view bearer_token(const HttpRequest& request);
// Whether the request carries `secret` (compared in constant time); never with an empty secret.
bool carries_token(const HttpRequest& request, std::string_view secret);
// {"error": message}; 401s also say which scheme to use.
HttpResponse api_error(int status, std::string_view message);

}  // namespace liverelay
