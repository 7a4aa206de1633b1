// RequestParser: http-parser callbacks collect one request at a time, within the limits.
#include "protocol/http/request_parser.hpp"

#include <algorithm>
#include <cctype>
#include <climits>

#include <fmt/format.h>
#include <http_parser.h>

namespace liverelay::http {

struct RequestParser::Impl {
  http_parser parser{};
  http_parser_settings settings{};
  RequestParser* owner = nullptr;

  static RequestParser& of(http_parser* parser) { return *static_cast<Impl*>(parser->data)->owner; }

  // Counts head bytes against the limit; nonzero stops http-parser with a callback error.
  static int count_head(RequestParser& self, size_t length) {
    self.head_bytes_ += length;
    if (self.head_bytes_ <= self.limits_.max_head_bytes) return 0;
    self.error_status_ = 431;
    return 1;
  }

  static int on_message_begin(http_parser* parser) {
    of(parser).started_ = true;
    return 0;
  }
  static int on_url(http_parser* parser, const char* at, size_t length) {
    RequestParser& self = of(parser);
    self.request_.target.append(at, length);
    return count_head(self, length);
  }
  static int on_header_field(http_parser* parser, const char* at, size_t length) {
    RequestParser& self = of(parser);
    auto& headers = self.request_.headers;
    if (headers.empty() || self.last_was_value_) {
      if (headers.size() == self.limits_.max_headers) {
        self.error_status_ = 431;
        return 1;
      }
      headers.emplace_back();
    }
    self.last_was_value_ = false;
    std::string& name = headers.back().first;
    for (size_t i = 0; i < length; ++i) {
      // RFC 9112 5.1: no whitespace between a field name and its colon, and a server must
      // refuse it. Debian's http-parser (built lenient) would take "Content-Length :" as the
      // body's length, where a proxy in front may not: the makings of request smuggling.
      if (at[i] == ' ' || at[i] == '\t') {
        self.error_status_ = 400;
        return 1;
      }
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(at[i])));
    }
    return count_head(self, length);
  }
  static int on_header_value(http_parser* parser, const char* at, size_t length) {
    RequestParser& self = of(parser);
    if (self.request_.headers.empty()) return 1;
    self.last_was_value_ = true;
    self.request_.headers.back().second.append(at, length);
    return count_head(self, length);
  }
  static int on_headers_complete(http_parser* parser) {
    RequestParser& self = of(parser);
    self.request_.method = http_method_str(static_cast<http_method>(parser->method));
    if (parser->content_length != ULLONG_MAX && parser->content_length > self.limits_.max_body_bytes) {
      self.error_status_ = 413;
      return -1;  // 1 and 2 mean "skip the body" to http-parser; anything else is an error
    }
    return 0;
  }
  static int on_body(http_parser* parser, const char* at, size_t length) {
    RequestParser& self = of(parser);
    if (self.request_.body.size() + length > self.limits_.max_body_bytes) {  // chunked bodies
      self.error_status_ = 413;
      return 1;
    }
    self.request_.body.append(at, length);
    return 0;
  }
  static int on_message_complete(http_parser* parser) {
    RequestParser& self = of(parser);
    self.request_.keep_alive = http_should_keep_alive(parser) != 0;
    self.request_.upgrade = parser->upgrade != 0;
    self.complete_ = true;
    http_parser_pause(parser, 1);  // one request at a time: the next waits for take()
    return 0;
  }
};

std::string_view ParsedRequest::header(std::string_view lowercase_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lowercase_name) return value;
  }
  return {};
}

RequestParser::RequestParser(RequestLimits limits) : impl_(std::make_unique<Impl>()), limits_(limits) {
  http_parser_init(&impl_->parser, HTTP_REQUEST);
  impl_->parser.data = impl_.get();
  impl_->owner = this;
  auto& settings = impl_->settings;
  settings.on_message_begin = Impl::on_message_begin;
  settings.on_url = Impl::on_url;
  settings.on_header_field = Impl::on_header_field;
  settings.on_header_value = Impl::on_header_value;
  settings.on_headers_complete = Impl::on_headers_complete;
  settings.on_body = Impl::on_body;
  settings.on_message_complete = Impl::on_message_complete;
}

RequestParser::~RequestParser() = default;

Result<size_t> RequestParser::feed(std::span<const uint8_t> bytes) {
  if (failed_) return fail(Errc::malformed, "http: the connection sent a bad request earlier");
  if (complete_ || bytes.empty()) return 0;
  const size_t consumed = http_parser_execute(&impl_->parser, &impl_->settings,
                                              reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const auto error = static_cast<http_errno>(impl_->parser.http_errno);
  if (error == HPE_OK || (error == HPE_PAUSED && complete_)) return consumed;
  failed_ = true;
  if (error != HPE_CB_url && error != HPE_CB_header_field && error != HPE_CB_header_value &&
      error != HPE_CB_headers_complete && error != HPE_CB_body) {
    error_status_ = error == HPE_HEADER_OVERFLOW ? 431 : 400;
  }
  return fail(Errc::malformed, fmt::format("http: {} ({})", http_errno_description(error), error_status_));
}

ParsedRequest RequestParser::take() {
  ParsedRequest request = std::move(request_);
  request_ = {};
  head_bytes_ = 0;
  last_was_value_ = false;
  started_ = false;
  if (complete_) {
    complete_ = false;
    if (request.upgrade) failed_ = true;  // what follows is not HTTP: this parser is done
    else http_parser_pause(&impl_->parser, 0);
  }
  return request;
}

}  // namespace liverelay::http
