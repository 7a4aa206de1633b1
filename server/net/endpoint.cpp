// Parsing and printing of HOST:PORT listen addresses.
#include "server/net/endpoint.hpp"

#include <charconv>

#include <fmt/format.h>
#include <uv.h>

namespace liverelay {

Result<Endpoint> Endpoint::parse(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail(Errc::malformed, fmt::format("'{}' is not HOST:PORT", text));
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.back() != ']') return fail(Errc::malformed, fmt::format("'{}': unclosed [", text));
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return fail(Errc::malformed, fmt::format("'{}': port must be a number from 0 to 65535", text));
  }
  return Endpoint{std::string(host), static_cast<uint16_t>(port)};
}

Endpoint Endpoint::from_sockaddr(const sockaddr* address) {
  char host[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    uv_ip6_name(v6, host, sizeof(host));
    return Endpoint{host, ntohs(v6->sin6_port)};
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
  uv_ip4_name(v4, host, sizeof(host));
  return Endpoint{host, ntohs(v4->sin_port)};
}

Result<sockaddr_storage> Endpoint::to_sockaddr() const {
  sockaddr_storage address{};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&address)) == 0 ||
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&address)) == 0) {
    return address;
  }
  return fail(Errc::malformed, fmt::format("{}: not an IP address", to_string()));
}

std::string Endpoint::to_string() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

}  // namespace liverelay
