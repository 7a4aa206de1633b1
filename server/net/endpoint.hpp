// A listen address as the config and the flags spell it: "HOST:PORT" or "[V6HOST]:PORT".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/core/error.hpp"

struct sockaddr;

namespace liverelay {

struct Endpoint {
  std::string host;
  uint16_t port = 0;

  static Result<Endpoint> parse(std::string_view text);
  // From an AF_INET or AF_INET6 socket address.
  static Endpoint from_sockaddr(const sockaddr* address);
  [[nodiscard]] std::string to_string() const;
  bool operator==(const Endpoint&) const = default;
};

}  // namespace liverelay
