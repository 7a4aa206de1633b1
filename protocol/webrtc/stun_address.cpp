// XOR-MAPPED-ADDRESS encoding and decoding (RFC 8489 14.2).
#include "protocol/webrtc/stun_address.hpp"

#include <array>
#include <string>

#include "protocol/core/byte_writer.hpp"

namespace liverelay::webrtc {
namespace {

// The 16 bytes an address is xor'ed with: the cookie, then (for IPv6) the transaction id.
std::array<uint8_t, 16> xor_pad(const TransactionId& transaction_id) {
  std::array<uint8_t, 16> pad{};
  for (size_t i = 0; i < 4; ++i) pad[i] = static_cast<uint8_t>(kStunMagicCookie >> (24 - 8 * i));
  for (size_t i = 0; i < transaction_id.size(); ++i) pad[4 + i] = transaction_id[i];
  return pad;
}

constexpr uint16_t kPortXor = kStunMagicCookie >> 16;

}  // namespace

std::vector<uint8_t> xor_address_value(const TransportAddress& address, const TransactionId& transaction_id) {
  std::vector<uint8_t> value;
  ByteWriter writer(value);
  writer.u8(0);
  writer.u8(static_cast<uint8_t>(address.family));
  writer.u16be(static_cast<uint16_t>(address.port ^ kPortXor));
  const auto pad = xor_pad(transaction_id);
  for (size_t i = 0; i < address.ip_size(); ++i) writer.u8(static_cast<uint8_t>(address.ip[i] ^ pad[i]));
  return value;
}

Result<TransportAddress> read_xor_address(std::span<const uint8_t> value,
                                          const TransactionId& transaction_id) {
  if (value.size() < 4) return fail(Errc::truncated, "XOR-MAPPED-ADDRESS: under 4 bytes");
  TransportAddress address;
  if (value[1] == static_cast<uint8_t>(TransportAddress::Family::ipv4)) {
    address.family = TransportAddress::Family::ipv4;
  } else if (value[1] == static_cast<uint8_t>(TransportAddress::Family::ipv6)) {
    address.family = TransportAddress::Family::ipv6;
  } else {
    return fail(Errc::malformed, "XOR-MAPPED-ADDRESS: unknown family " + std::to_string(value[1]));
  }
  if (value.size() != 4 + address.ip_size())
    return fail(Errc::malformed,
                "XOR-MAPPED-ADDRESS: " + std::to_string(value.size()) + " bytes for its family");
  address.port = static_cast<uint16_t>(((value[2] << 8) | value[3]) ^ kPortXor);
  const auto pad = xor_pad(transaction_id);
  for (size_t i = 0; i < address.ip_size(); ++i) address.ip[i] = static_cast<uint8_t>(value[4 + i] ^ pad[i]);
  return address;
}

}  // namespace liverelay::webrtc
