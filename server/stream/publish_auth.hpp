// Who may publish, and under which public name: open mode or keyed mode (DESIGN.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/config/config.hpp"

namespace liverelay {

class PublishAuth {
 public:
  explicit PublishAuth(std::vector<StreamKeyConfig> keys) : keys_(std::move(keys)) {}

  // The public stream name for a publish with `key`, or nullopt when refused. Open mode (no
  // keys configured): the key is the name, if it is a valid name. Keyed mode: every
  // configured key is compared in constant time, so timing tells nothing about the secret.
  [[nodiscard]] std::optional<std::string> resolve(std::string_view key) const;

  [[nodiscard]] bool keyed() const { return !keys_.empty(); }
  [[nodiscard]] std::vector<std::string> configured_names() const;

 private:
  std::vector<StreamKeyConfig> keys_;
};

// Compares a secret (stream key, token) with what a client sent in constant time.
bool secrets_equal(std::string_view a, std::string_view b);

// 1..64 characters of [A-Za-z0-9_-.], not starting with '.': safe in URLs and paths.
bool is_valid_stream_name(std::string_view name);

}  // namespace liverelay
