// HTTP/1.1 response heads and Content-Length bodies, parsed from whatever the socket gave.
#include "http_response_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace ll_hls_park {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> decimal(std::string_view s) {
  uint64_t value = 0;
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (error != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

}  // namespace

bool HttpResponseReader::feed(std::span<const uint8_t> bytes, const OnResponse& on_response) {
  if (!error_.empty()) return false;
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  size_t consumed = 0;
  while (true) {
    std::string_view rest(buffer_.data() + consumed, buffer_.size() - consumed);
    if (head_bytes_ == 0) {
      size_t end = rest.find("\r\n\r\n", scanned_ > 3 ? scanned_ - 3 : 0);
      if (end == std::string_view::npos) {
        if (rest.size() > kMaxHead) return fail("response head over " + std::to_string(kMaxHead) + " bytes");
        scanned_ = rest.size();
        break;
      }
      head_bytes_ = end + 4;
      if (!parse_head(rest.substr(0, end))) return false;
    }
    if (rest.size() < head_bytes_ + body_bytes_) break;
    current_.body = rest.substr(head_bytes_, body_bytes_);
    on_response(current_);
    consumed += head_bytes_ + body_bytes_;
    head_bytes_ = body_bytes_ = scanned_ = 0;
  }
  buffer_.erase(0, consumed);
  return true;
}

// RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]; 6.3: the body
// length comes from Content-Length here (the server under test always sends it).
bool HttpResponseReader::parse_head(std::string_view head) {
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return fail("bad status line");
  }
  auto status = decimal(status_line.substr(9, 3));
  if (!status || *status < 100 || *status > 999) return fail("bad status code");
  current_ = HttpResponse{static_cast<int>(*status), status_line.substr(0, 8) != "HTTP/1.0", {}};
  std::optional<uint64_t> length;
  while (line_end != std::string_view::npos) {
    head.remove_prefix(line_end + 2);
    line_end = head.find("\r\n");
    std::string_view line = head.substr(0, line_end);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return fail("header line without a colon");
    std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (equals_ignoring_case(name, "content-length")) {
      length = decimal(value);
      if (!length) return fail("bad Content-Length");
    } else if (equals_ignoring_case(name, "transfer-encoding")) {
      return fail("Transfer-Encoding not supported");
    } else if (equals_ignoring_case(name, "connection")) {
      if (equals_ignoring_case(value, "close")) current_.keep_alive = false;
      if (equals_ignoring_case(value, "keep-alive")) current_.keep_alive = true;
    }
  }
  if (!length) return fail("response without Content-Length");
  if (*length > kMaxBody) return fail("body of " + std::to_string(*length) + " bytes over the limit");
  body_bytes_ = *length;
  return true;
}

bool HttpResponseReader::fail(std::string message) {
  error_ = std::move(message);
  buffer_.clear();
  return false;
}

}  // namespace ll_hls_park
