// A listen address as the config and the flags spell it: "HOST:PORT" or "[V6HOST]:PORT".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sys/socket.h>

#include "protocol/core/error.hpp"

namespace liverelay {

struct Endpoint {
  std::string host;
  uint16_t port = 0;

  static Result<Endpoint> parse(std::string_view text);
  // From an AF_INET or AF_INET6 socket address.
  static Endpoint from_sockaddr(const sockaddr* address);
  // The socket address to bind; Errc::malformed when the host is not an IPv4 or IPv6 address.
  [[nodiscard]] Result<sockaddr_storage> to_sockaddr() const;
  [[nodiscard]] std::string to_string() const;
  bool operator==(const Endpoint&) const = default;
};

}  // namespace liverelay
