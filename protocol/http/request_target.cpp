// Request targets: percent-decoding and the path checks every route relies on.
#include "protocol/http/request_target.hpp"

#include <optional>

#include <fmt/format.h>

namespace liverelay::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX once (so "%252e" stays "%2e", never "."); nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool is_dot_segment(std::string_view segment) { return segment == "." || segment == ".."; }

}  // namespace

Result<RequestTarget> parse_request_target(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const size_t authority = target.find("//") + 2;
    const size_t path = target.find('/', authority);
    target = path == std::string_view::npos ? std::string_view("/") : target.substr(path);
  }
  if (target.empty() || target.front() != '/') return fail(Errc::malformed, "request target must start with '/'");
  RequestTarget result;
  std::string_view raw_path = target;
  if (const size_t question = target.find('?'); question != std::string_view::npos) {
    raw_path = target.substr(0, question);
    result.query = std::string(target.substr(question + 1));
  }
  if (const size_t hash = raw_path.find('#'); hash != std::string_view::npos) raw_path = raw_path.substr(0, hash);
  // Segments are checked before decoding (an encoded '/' must not make new ones) and after.
  for (size_t start = 1; start <= raw_path.size();) {
    size_t end = raw_path.find('/', start);
    if (end == std::string_view::npos) end = raw_path.size();
    const std::string_view segment = raw_path.substr(start, end - start);
    auto decoded = percent_decode(segment, false);
    if (!decoded) return fail(Errc::malformed, "bad percent escape in the path");
    if (decoded->find('/') != std::string::npos || decoded->find('\0') != std::string::npos ||
        decoded->find('\\') != std::string::npos) {
      return fail(Errc::malformed, "encoded '/', '\\' or NUL in the path");
    }
    if (is_dot_segment(*decoded)) return fail(Errc::malformed, "'.' or '..' segment in the path");
    result.path += '/';
    result.path += *decoded;
    start = end + 1;
  }
  if (result.path.empty()) result.path = "/";
  return result;
}

QueryValue query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t equals = pair.find('=');
    const std::string_view name = pair.substr(0, equals);
    if (name == key) {
      auto value = percent_decode(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1), true);
      return {true, value.value_or("")};
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace liverelay::http
