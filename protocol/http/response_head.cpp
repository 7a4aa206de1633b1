// Response heads: status line, the framing headers we own, and the route's own headers.
#include "protocol/http/response_head.hpp"

#include <fmt/format.h>

namespace liverelay::http {
namespace {

bool safe_header_text(std::string_view text) { return text.find_first_of("\r\n") == std::string_view::npos; }

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string render_response_head(const ResponseHead& head) {
  std::string out;
  out.reserve(160 + head.headers.size() * 48);
  fmt::format_to(std::back_inserter(out), "HTTP/1.1 {} {}\r\n", head.status, reason_phrase(head.status));
  if (!head.content_type.empty() && safe_header_text(head.content_type)) {
    fmt::format_to(std::back_inserter(out), "Content-Type: {}\r\n", head.content_type);
  }
  // RFC 9110 8.6: no Content-Length on 1xx and 204; 304 describes another response.
  if (head.status >= 200 && head.status != 204 && head.status != 304) {
    fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", head.content_length);
  }
  if (!head.keep_alive) out += "Connection: close\r\n";
  for (const auto& [name, value] : head.headers) {
    if (name.empty() || !safe_header_text(name) || !safe_header_text(value)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace liverelay::http
