// STUN message building: header, padded attributes, integrity and fingerprint.
#include "protocol/webrtc/stun_writer.hpp"

#include "protocol/core/byte_writer.hpp"
#include "protocol/webrtc/crc32.hpp"
#include "protocol/webrtc/stun_address.hpp"
#include "protocol/webrtc/stun_integrity.hpp"

namespace liverelay::webrtc {

StunWriter::StunWriter(uint16_t method, StunClass message_class, const TransactionId& transaction_id)
    : transaction_id_(transaction_id) {
  ByteWriter writer(out_);
  writer.u16be(stun_message_type(method, message_class));
  writer.u16be(0);  // set as attributes are added
  writer.u32be(kStunMagicCookie);
  writer.bytes(transaction_id);
}

void StunWriter::set_length() {
  const size_t length = out_.size() - kStunHeaderSize;
  out_[2] = static_cast<uint8_t>(length >> 8);
  out_[3] = static_cast<uint8_t>(length);
}

void StunWriter::add(uint16_t type, std::span<const uint8_t> value, uint8_t padding_byte) {
  ByteWriter writer(out_);
  writer.u16be(type);
  writer.u16be(static_cast<uint16_t>(value.size()));
  writer.bytes(value);
  while (out_.size() % 4 != 0) writer.u8(padding_byte);
  set_length();
}

void StunWriter::add_text(uint16_t type, std::string_view text, uint8_t padding_byte) {
  add(type, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()), padding_byte);
}

void StunWriter::add_u32(uint16_t type, uint32_t value) {
  std::vector<uint8_t> bytes;
  ByteWriter(bytes).u32be(value);
  add(type, bytes);
}

void StunWriter::add_u64(uint16_t type, uint64_t value) {
  std::vector<uint8_t> bytes;
  ByteWriter(bytes).u64be(value);
  add(type, bytes);
}

void StunWriter::add_xor_mapped_address(const TransportAddress& address) {
  add(stun_attr::kXorMappedAddress, xor_address_value(address, transaction_id_));
}

void StunWriter::add_error_code(uint16_t code, std::string_view reason) {
  std::vector<uint8_t> value;
  ByteWriter writer(value);
  writer.u16be(0);
  writer.u8(static_cast<uint8_t>(code / 100));
  writer.u8(static_cast<uint8_t>(code % 100));
  writer.text(reason);
  add(stun_attr::kErrorCode, value);
}

void StunWriter::add_unknown_attributes(std::span<const uint16_t> types) {
  std::vector<uint8_t> value;
  ByteWriter writer(value);
  for (const uint16_t type : types) writer.u16be(type);
  add(stun_attr::kUnknownAttributes, value);
}

Result<std::vector<uint8_t>> StunWriter::finish(std::string_view password) && {
  if (!password.empty()) {
    const auto mac = stun_integrity(out_, password);
    if (!mac) return fail(Errc::io, "stun: HMAC-SHA1 from libcrypto failed");
    add(stun_attr::kMessageIntegrity, *mac);
  }
  // RFC 8489 14.7: the CRC covers the header with its length already counting FINGERPRINT.
  const size_t fingerprint_offset = out_.size();
  add(stun_attr::kFingerprint, std::array<uint8_t, 4>{});
  const uint32_t fingerprint =
      crc32(std::span<const uint8_t>(out_).first(fingerprint_offset)) ^ kStunFingerprintXor;
  for (size_t i = 0; i < 4; ++i)
    out_[fingerprint_offset + 4 + i] = static_cast<uint8_t>(fingerprint >> (24 - 8 * i));
  return std::move(out_);
}

}  // namespace liverelay::webrtc
