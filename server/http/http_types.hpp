// HTTP request and response values passed between the connection and the route handlers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liverelay {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST", "DELETE", "OPTIONS"
  std::string path;    // decoded path, no query string
  std::string query;   // raw query string without '?'
  std::string peer;    // client IP address
  std::string user_agent;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first header of that (lower-case) name, or empty.
  [[nodiscard]] std::string_view header(std::string_view lowercase_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lowercase_name) return value;
    }
    return {};
  }
};

class PendingResponse;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Instead of `body`: bytes owned elsewhere (an HLS segment), kept alive by `body_owner` while
  // sending, sent without a copy per request; with sendfile() from `body_fd` when there is one.
  std::span<const uint8_t> shared_body;
  std::shared_ptr<const void> body_owner;
  int body_fd = -1;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // Set when the route answers later (a blocking playlist reload): the connection then waits,
  // reading no further request, until the route calls `pending->answer()`.
  std::shared_ptr<PendingResponse> pending;

  [[nodiscard]] std::span<const uint8_t> bytes() const {
    if (body_owner) return shared_body;
    return {reinterpret_cast<const uint8_t*>(body.data()), body.size()};
  }

  static HttpResponse json(int status, std::string body);
  static HttpResponse not_found();
};

// A response a route gives later. The route keeps it and answers once; the connection that
// waits for it abandons it when the client goes away, after which answering does nothing.
class PendingResponse {
 public:
  using Delivery = std::function<void(HttpResponse)>;

  // Route side: the answer (once; later calls do nothing).
  void answer(HttpResponse response) {
    if (!deliver_) return;
    auto deliver = std::move(deliver_);
    deliver_ = nullptr;
    deliver(std::move(response));
  }
  // Nobody waits any more (answered, or the client left): drop it.
  [[nodiscard]] bool settled() const { return !deliver_; }

  // Connection side.
  void await(Delivery deliver) { deliver_ = std::move(deliver); }
  void abandon() { deliver_ = nullptr; }

 private:
  Delivery deliver_;
};

// A pending response for the route to keep and answer.
inline HttpResponse answer_later(const std::shared_ptr<PendingResponse>& pending) {
  HttpResponse response;
  response.pending = pending;
  return response;
}

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace liverelay
