// A one-pass scan of a server message's top-level fields: no allocation, no DOM.
#include "server_message.hpp"

#include <charconv>
#include <cstring>

namespace ws_load {
namespace {

constexpr size_t kNone = std::string_view::npos;

size_t skip_space(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return i;
}

// i at an opening quote; returns the index of the closing quote, or kNone.
size_t string_close(std::string_view s, size_t i) {
  for (size_t at = i + 1; at < s.size();) {
    const void* found = std::memchr(s.data() + at, '"', s.size() - at);
    if (found == nullptr) return kNone;
    size_t quote = static_cast<size_t>(static_cast<const char*>(found) - s.data());
    size_t backslashes = 0;
    while (quote - backslashes > i + 1 && s[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote;
    at = quote + 1;
  }
  return kNone;
}

// i at a value; returns the index just past it, or kNone.
size_t skip_value(std::string_view s, size_t i) {
  if (i >= s.size()) return kNone;
  if (s[i] == '"') {
    size_t close = string_close(s, i);
    return close == kNone ? kNone : close + 1;
  }
  if (s[i] != '{' && s[i] != '[') {
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
    return i;
  }
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '"') {
      i = string_close(s, i);
      if (i == kNone) return kNone;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
    ++i;
  }
  return kNone;
}

MessageType type_named(std::string_view name) {
  if (name == "comment") return MessageType::kComment;
  if (name == "error") return MessageType::kError;
  if (name == "viewers") return MessageType::kViewers;
  if (name == "history") return MessageType::kHistory;
  return MessageType::kOther;
}

bool complete(const ServerMessage& m, bool have_type) {
  if (!have_type) return false;
  switch (m.type) {
    case MessageType::kComment:
      return !m.text.empty();
    case MessageType::kError:
      return !m.code.empty();
    case MessageType::kViewers:
      return m.count != 0;
    default:
      return true;
  }
}

}  // namespace

ServerMessage scan_server_message(std::string_view s) {
  ServerMessage m;
  bool have_type = false;
  size_t i = skip_space(s, 0);
  if (i >= s.size() || s[i] != '{') return m;
  i = skip_space(s, i + 1);
  while (i < s.size() && s[i] == '"' && !complete(m, have_type)) {
    size_t key_close = string_close(s, i);
    if (key_close == kNone) break;
    std::string_view key = s.substr(i + 1, key_close - i - 1);
    i = skip_space(s, key_close + 1);
    if (i >= s.size() || s[i] != ':') break;
    size_t value_at = skip_space(s, i + 1);
    size_t value_end = skip_value(s, value_at);
    if (value_end == kNone) break;
    std::string_view value = s.substr(value_at, value_end - value_at);
    bool is_string = value.size() >= 2 && value.front() == '"';
    std::string_view inner = is_string ? value.substr(1, value.size() - 2) : value;
    if (key == "type" && is_string) {
      m.type = type_named(inner);
      have_type = true;
    } else if (key == "text" && is_string) {
      m.text = inner;
    } else if (key == "code" && is_string) {
      m.code = inner;
    } else if (key == "count" && !is_string) {
      std::from_chars(inner.data(), inner.data() + inner.size(), m.count);
    }
    i = skip_space(s, value_end);
    if (i < s.size() && s[i] == ',') i = skip_space(s, i + 1);
  }
  return m;
}

std::string comment_text(uint64_t sent_ns, uint32_t sender) {
  return "t=" + std::to_string(sent_ns) + " s=" + std::to_string(sender);
}

std::optional<uint64_t> sent_ns_of(std::string_view text) {
  if (text.size() < 3 || text[0] != 't' || text[1] != '=') return std::nullopt;
  uint64_t ns = 0;
  auto [end, error] = std::from_chars(text.data() + 2, text.data() + text.size(), ns);
  if (error != std::errc() || end == text.data() + 2) return std::nullopt;
  return ns;
}

}  // namespace ws_load
