// Socket addresses and the protocol code's TransportAddress, back and forth, plus what a map
// keyed by a peer's address needs.
#pragma once

#include <cstddef>
#include <string>

#include <sys/socket.h>

#include "protocol/webrtc/transport_address.hpp"

namespace liverelay::webrtc {

// An AF_INET or AF_INET6 address (anything else gives an all-zero IPv4 address, port 0).
TransportAddress to_transport_address(const sockaddr* address);
sockaddr_storage to_sockaddr(const TransportAddress& address);
// "192.0.2.1:5000" or "[2001:db8::1]:5000", for log lines.
std::string to_string(const TransportAddress& address);

struct TransportAddressHash {
  size_t operator()(const TransportAddress& address) const noexcept;
};

}  // namespace liverelay::webrtc
