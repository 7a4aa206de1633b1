// Builds one STUN message attribute by attribute and seals it with MESSAGE-INTEGRITY and
// FINGERPRINT (RFC 8489 14.5, 14.7): the mirror of parse_stun_message.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/webrtc/stun_message.hpp"
#include "protocol/webrtc/transport_address.hpp"

namespace liverelay::webrtc {

class StunWriter {
 public:
  StunWriter(uint16_t method, StunClass message_class, const TransactionId& transaction_id);

  // RFC 8489 14: the value, then padding to a multiple of 4. The padding is zero as RFC 8489
  // requires; `padding_byte` exists to reproduce RFC 5769's vectors, written when RFC 5389
  // allowed any value and padded with spaces (the HMAC covers the padding).
  void add(uint16_t type, std::span<const uint8_t> value, uint8_t padding_byte = 0);
  void add_text(uint16_t type, std::string_view text, uint8_t padding_byte = 0);
  void add_u32(uint16_t type, uint32_t value);
  void add_u64(uint16_t type, uint64_t value);
  void add_flag(uint16_t type) { add(type, {}); }
  void add_xor_mapped_address(const TransportAddress& address);
  // RFC 8489 14.8: class (hundreds) and number (the rest), then a reason phrase.
  void add_error_code(uint16_t code, std::string_view reason);
  // RFC 8489 14.9: a list of 16-bit types, for a 420 answer.
  void add_unknown_attributes(std::span<const uint16_t> types);

  // Appends MESSAGE-INTEGRITY keyed with `password` (none when it is empty) and then
  // FINGERPRINT, which ICE requires on every check and answer (RFC 8445 7.2.2, 7.3).
  // Fails only if libcrypto does.
  Result<std::vector<uint8_t>> finish(std::string_view password) &&;

 private:
  void set_length();

  TransactionId transaction_id_;
  std::vector<uint8_t> out_;
};

}  // namespace liverelay::webrtc
