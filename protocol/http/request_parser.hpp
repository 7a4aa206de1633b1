// HTTP/1.1 request parsing with limits, on nodejs' http-parser: bytes in, whole requests out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::http {

struct RequestLimits {
  size_t max_head_bytes = 16 * 1024;  // request line and headers
  size_t max_headers = 64;
  size_t max_body_bytes = 64 * 1024;  // comments and control calls are small
};

struct ParsedRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/live/cam1/index.m3u8?_HLS_msn=3"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;
  bool keep_alive = true;
  bool upgrade = false;  // "Connection: upgrade": the bytes after the head are another protocol

  // The first header of that (lower-case) name, or empty.
  [[nodiscard]] std::string_view header(std::string_view lowercase_name) const;
};

// Feed it what the socket gives; it stops at the end of each request so that a pipelined next
// request waits until the response to this one is on its way.
class RequestParser {
 public:
  explicit RequestParser(RequestLimits limits = {});
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Consumes bytes up to the end of one request and returns how many. When `complete()`,
  // `take()` hands the request over and readies the parser for the next one; the caller feeds
  // the unconsumed rest again after that (for an upgrade, the rest is not HTTP any more).
  // An error is final: answer `error_status()` and close.
  Result<size_t> feed(std::span<const uint8_t> bytes);
  [[nodiscard]] bool complete() const { return complete_; }
  ParsedRequest take();

  // Some bytes of a request are in but not all of it (a header timeout applies).
  [[nodiscard]] bool in_progress() const { return started_ && !complete_; }
  // 400 malformed, 413 body too large, 431 head too large.
  [[nodiscard]] int error_status() const { return error_status_; }

  struct Impl;  // http-parser's state and callbacks, kept out of this header

 private:
  friend struct Impl;
  std::unique_ptr<Impl> impl_;
  RequestLimits limits_;
  ParsedRequest request_;
  size_t head_bytes_ = 0;
  bool last_was_value_ = false;
  bool started_ = false;
  bool complete_ = false;
  bool failed_ = false;
  int error_status_ = 400;
};

}  // namespace liverelay::http
