// The request target of an HTTP request: a decoded, safe path and the raw query.
#pragma once

#include <string>
#include <string_view>

#include "protocol/core/error.hpp"

namespace liverelay::http {

struct RequestTarget {
  std::string path;   // percent-decoded, always starting with '/'
  std::string query;  // as sent, without '?'
};

// Accepts origin-form ("/a/b?x") and absolute-form ("http://host/a/b"). Refuses what could
// climb out of a folder or confuse a router: "." and ".." segments (also percent-encoded),
// encoded NUL or '/', bad escapes, and anything not starting with '/'.
Result<RequestTarget> parse_request_target(std::string_view target);

// The value of `key` in an "a=1&b=2" query (percent-decoded, '+' as space), or nullopt-like
// empty with `found` false.
struct QueryValue {
  bool found = false;
  std::string value;
};
QueryValue query_value(std::string_view query, std::string_view key);

}  // namespace liverelay::http
