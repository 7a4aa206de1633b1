// HTTP POSTs of JSON on the loop: libcurl's multi interface driven by libuv, never blocking.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <uv.h>

#include "protocol/core/error.hpp"

namespace liverelay {

// One curl multi handle whose sockets are watched by uv_poll_t handles and whose timer is a
// uv timer (libcurl's "multi_socket" API, as in its multi-uv example). Every request has the
// same overall timeout. Completion callbacks run on the loop thread, never inside post().
class WebhookClient {
 public:
  // The HTTP status of the answer (any status, 2xx or not), or an error: connection refused,
  // timed out, a malformed answer.
  using Callback = std::function<void(Result<long> status)>;
  using RequestId = uint64_t;

  WebhookClient(uv_loop_t* loop, double timeout_s);
  // Cancels what is in flight (no callback runs) and closes every handle.
  ~WebhookClient();
  WebhookClient(const WebhookClient&) = delete;
  WebhookClient& operator=(const WebhookClient&) = delete;

  // Starts a POST of `json` to `url`. An error (the client is stopped, curl refused the
  // request) means no request and no callback.
  Result<RequestId> post(const std::string& url, std::string json, Callback done);
  // The request's callback will not run. Unknown or finished ids are ignored.
  void cancel(RequestId id);
  // Cancels every request (no callback runs) and closes the handles; later posts fail.
  void stop();

  [[nodiscard]] size_t in_flight() const { return requests_.size(); }

 private:
  struct Request;
  friend struct CurlGlue;  // the C callbacks, in the .cpp

  void set_timer(long timeout_ms);
  void watch_socket(int fd, int what);
  void unwatch_socket(int fd);
  void on_socket_ready(int fd, int status, int events);
  void on_curl_timer();
  void check_done();
  void release(Request& request);

  uv_loop_t* loop_;
  long timeout_ms_;
  void* multi_ = nullptr;  // CURLM*: curl stays out of this header
  // curl's one timer; a raw handle (not server/net/Timer) because curl re-arms it from inside
  // its own expiry, which must not replace a std::function while it runs.
  uv_timer_t* timer_ = nullptr;
  std::map<int, uv_poll_t*> polls_;  // by socket
  std::map<RequestId, std::unique_ptr<Request>> requests_;
  RequestId next_id_ = 1;
};

}  // namespace liverelay
