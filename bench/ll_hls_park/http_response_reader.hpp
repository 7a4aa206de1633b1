// Sans-I/O reader of HTTP/1.1 responses on a kept-alive connection (RFC 9112): bytes in,
// complete responses out. Bodies must carry Content-Length; chunked answers are an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace ll_hls_park {

struct HttpResponse {
  int status = 0;
  bool keep_alive = true;  // false after `Connection: close`
  std::string_view body;   // valid during the callback only
};

class HttpResponseReader {
 public:
  static constexpr size_t kMaxHead = 16 * 1024;
  static constexpr size_t kMaxBody = 4 * 1024 * 1024;

  using OnResponse = std::function<void(const HttpResponse&)>;

  // Consumes all of `bytes`, calling `on_response` for every response they complete. False on
  // a protocol error (error() says which); the reader is then unusable.
  bool feed(std::span<const uint8_t> bytes, const OnResponse& on_response);

  [[nodiscard]] const std::string& error() const { return error_; }
  // Bytes held of a response not yet complete.
  [[nodiscard]] size_t buffered() const { return buffer_.size(); }

 private:
  bool parse_head(std::string_view head);
  bool fail(std::string message);

  std::string buffer_;
  size_t scanned_ = 0;     // head search resumes here: no rescan when fed byte by byte
  size_t head_bytes_ = 0;  // 0 while the head is incomplete
  size_t body_bytes_ = 0;
  HttpResponse current_;
  std::string error_;
};

}  // namespace ll_hls_park
