// XOR-MAPPED-ADDRESS values (RFC 8489 14.2): the peer's address as the server saw it, xor'ed so
// that NATs rewriting addresses inside payloads leave it alone.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/webrtc/stun_message.hpp"
#include "protocol/webrtc/transport_address.hpp"

namespace liverelay::webrtc {

// The attribute value: 0, family, port ^ (cookie >> 16), address ^ cookie (IPv4) or
// ^ (cookie || transaction id) (IPv6).
std::vector<uint8_t> xor_address_value(const TransportAddress& address, const TransactionId& transaction_id);

// The reverse, refusing unknown families and wrong sizes.
Result<TransportAddress> read_xor_address(std::span<const uint8_t> value,
                                          const TransactionId& transaction_id);

}  // namespace liverelay::webrtc
