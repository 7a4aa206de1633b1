// The status line and headers of an HTTP/1.1 response, rendered in one string.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace liverelay::http {

struct ResponseHead {
  int status = 200;
  std::string_view content_type;
  size_t content_length = 0;
  bool keep_alive = true;
  std::span<const std::pair<std::string, std::string>> headers;  // extra, sent as given
};

std::string_view reason_phrase(int status);

// "HTTP/1.1 200 OK\r\nContent-Type: ...\r\nContent-Length: N\r\n...\r\n\r\n". Header values
// with CR or LF are dropped rather than sent (no response splitting).
std::string render_response_head(const ResponseHead& head);

}  // namespace liverelay::http
