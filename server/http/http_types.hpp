// HTTP request and response values passed between the lws glue and the route handlers.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace liverelay {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST", "DELETE", "OPTIONS"
  std::string path;    // decoded path, no query string
  std::string query;   // raw query string without '?'
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static HttpResponse json(int status, std::string body);
  static HttpResponse not_found();
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace liverelay
