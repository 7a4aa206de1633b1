// HTTP request and response values passed between the lws glue and the route handlers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace liverelay {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST", "DELETE", "OPTIONS"
  std::string path;    // decoded path, no query string
  std::string query;   // raw query string without '?'
  std::string peer;    // client IP address
  std::string user_agent;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Instead of `body`: bytes shared with a store (HLS segments), sent without a copy per request.
  std::shared_ptr<const std::vector<uint8_t>> shared_body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  [[nodiscard]] std::span<const uint8_t> bytes() const {
    if (shared_body) return {shared_body->data(), shared_body->size()};
    return {reinterpret_cast<const uint8_t*>(body.data()), body.size()};
  }

  static HttpResponse json(int status, std::string body);
  static HttpResponse not_found();
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace liverelay
