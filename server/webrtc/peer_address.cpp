// Conversions between sockaddr and TransportAddress.
#include "server/webrtc/peer_address.hpp"

#include <cstring>
#include <string_view>

#include <netinet/in.h>

#include "server/net/endpoint.hpp"

namespace liverelay::webrtc {

TransportAddress to_transport_address(const sockaddr* address) {
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    std::array<uint8_t, 16> ip{};
    std::memcpy(ip.data(), &v6->sin6_addr, ip.size());
    return TransportAddress::v6(ip, ntohs(v6->sin6_port));
  }
  if (address->sa_family != AF_INET) return TransportAddress{};
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
  std::array<uint8_t, 4> ip{};
  std::memcpy(ip.data(), &v4->sin_addr, ip.size());
  return TransportAddress::v4(ip, ntohs(v4->sin_port));
}

sockaddr_storage to_sockaddr(const TransportAddress& address) {
  sockaddr_storage storage{};
  if (address.family == TransportAddress::Family::ipv6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(address.port);
    std::memcpy(&v6->sin6_addr, address.ip.data(), 16);
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(address.port);
    std::memcpy(&v4->sin_addr, address.ip.data(), 4);
  }
  return storage;
}

std::string to_string(const TransportAddress& address) {
  const sockaddr_storage storage = to_sockaddr(address);
  return Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&storage)).to_string();
}

size_t TransportAddressHash::operator()(const TransportAddress& address) const noexcept {
  // FNV-1a over the bytes that differ between peers.
  uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](uint8_t byte) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  };
  for (size_t i = 0; i < address.ip_size(); ++i) mix(address.ip[i]);
  mix(static_cast<uint8_t>(address.port >> 8));
  mix(static_cast<uint8_t>(address.port));
  mix(static_cast<uint8_t>(address.family));
  return static_cast<size_t>(hash);
}

}  // namespace liverelay::webrtc
