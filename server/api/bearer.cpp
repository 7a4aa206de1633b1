// Bearer token checks shared by the control and room APIs.
#include "server/api/bearer.hpp"

#include <nlohmann/json.hpp>

#include "server/stream/publish_auth.hpp"

namespace liverelay {

std::string_view bearer_token(const HttpRequest& request) {
  constexpr std::string_view kScheme = "Bearer ";
  const std::string_view value = request.header("authorization");
  return value.starts_with(kScheme) ? value.substr(kScheme.size()) : std::string_view{};
}

bool carries_token(const HttpRequest& request, std::string_view secret) {
  const std::string_view token = bearer_token(request);
  return !secret.empty() && !token.empty() && secrets_equal(secret, token);
}

HttpResponse api_error(int status, std::string_view message) {
  HttpResponse response = HttpResponse::json(status, nlohmann::json{{"error", message}}.dump());
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace liverelay
