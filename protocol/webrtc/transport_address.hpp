// An IP address and UDP port as bytes, so that protocol code can name a peer without sockets.
#pragma once

#include <array>
#include <cstdint>

namespace liverelay::webrtc {

struct TransportAddress {
  // The values are STUN's address families (RFC 8489 14.1).
  enum class Family : uint8_t { ipv4 = 0x01, ipv6 = 0x02 };

  Family family = Family::ipv4;
  std::array<uint8_t, 16> ip{};  // network byte order; IPv4 uses the first 4 bytes, the rest stay 0
  uint16_t port = 0;

  static TransportAddress v4(std::array<uint8_t, 4> ip4, uint16_t port) {
    TransportAddress address{Family::ipv4, {}, port};
    for (size_t i = 0; i < ip4.size(); ++i) address.ip[i] = ip4[i];
    return address;
  }
  static TransportAddress v6(std::array<uint8_t, 16> ip6, uint16_t port) {
    return TransportAddress{Family::ipv6, ip6, port};
  }
  [[nodiscard]] size_t ip_size() const { return family == Family::ipv4 ? 4 : 16; }

  friend bool operator==(const TransportAddress&, const TransportAddress&) = default;
};

}  // namespace liverelay::webrtc
