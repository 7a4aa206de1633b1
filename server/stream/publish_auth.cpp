// PublishAuth: constant-time key matching with OpenSSL's CRYPTO_memcmp.
#include "server/stream/publish_auth.hpp"

#include <algorithm>

#include <openssl/crypto.h>

namespace liverelay {

bool secrets_equal(std::string_view a, std::string_view b) {
  // Compare over the longer length so that a length mismatch costs the same time.
  const size_t n = std::max(a.size(), b.size());
  std::string padded_a(a), padded_b(b);
  padded_a.resize(n, '\0');
  padded_b.resize(n, '\0');
  const bool same_bytes = CRYPTO_memcmp(padded_a.data(), padded_b.data(), n) == 0;
  return same_bytes && a.size() == b.size();
}

bool is_valid_stream_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
  });
}

std::optional<std::string> PublishAuth::resolve(std::string_view key) const {
  if (keys_.empty()) {
    if (!is_valid_stream_name(key)) return std::nullopt;
    return std::string(key);
  }
  std::optional<std::string> match;
  for (const auto& entry : keys_) {  // no early exit: every key costs one comparison
    if (secrets_equal(entry.key, key)) match = entry.name;
  }
  return match;
}

std::vector<std::string> PublishAuth::configured_names() const {
  std::vector<std::string> names;
  for (const auto& entry : keys_) names.push_back(entry.name);
  return names;
}

}  // namespace liverelay
