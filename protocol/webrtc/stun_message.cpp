// STUN header and attribute parsing (RFC 8489 5, 6.3, 14), bounds-checked at every step.
#include "protocol/webrtc/stun_message.hpp"

#include <algorithm>
#include <string>

#include "protocol/core/byte_reader.hpp"
#include "protocol/webrtc/crc32.hpp"

namespace liverelay::webrtc {
namespace {

constexpr size_t kIntegritySize = 20;   // HMAC-SHA1 (RFC 8489 14.5)
constexpr size_t kFingerprintSize = 4;  // RFC 8489 14.7

size_t padded(size_t length) {
  return (length + 3) & ~size_t{3};
}

bool understood(uint16_t type) {
  using namespace stun_attr;
  switch (type) {
    case kMappedAddress:
    case kUsername:
    case kMessageIntegrity:
    case kErrorCode:
    case kUnknownAttributes:
    case kMessageIntegritySha256:  // we check MESSAGE-INTEGRITY; a SHA-256 one beside it is harmless
    case kXorMappedAddress:
    case kPriority:
    case kUseCandidate:
      return true;
    default:
      return false;
  }
}

std::string hex16(uint16_t value) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 0xF];
  return out;
}

}  // namespace

uint16_t stun_message_type(uint16_t method, StunClass message_class) {
  const auto c = static_cast<uint16_t>(message_class);
  return static_cast<uint16_t>((method & 0x000F) | ((c & 0x1) << 4) | ((method & 0x0070) << 1) |
                               ((c & 0x2) << 7) | ((method & 0x0F80) << 2));
}

std::optional<std::span<const uint8_t>> StunMessage::attribute(uint16_t type) const {
  for (const Attribute& a : attributes_)
    if (a.type == type) return std::span<const uint8_t>(bytes_).subspan(a.offset, a.length);
  return std::nullopt;
}

namespace {

// RFC 8489 6.3: checks the fixed header against the datagram and fills in type and id.
Result<void> read_header(ByteReader& reader, std::span<const uint8_t> datagram, uint16_t& method,
                         StunClass& message_class, TransactionId& transaction_id) {
  if (datagram.size() < kStunHeaderSize)
    return fail(Errc::truncated,
                "stun: " + std::to_string(datagram.size()) + " bytes, under the 20-byte header");
  const uint16_t type = *reader.u16be();
  const uint16_t length = *reader.u16be();
  const uint32_t cookie = *reader.u32be();
  // RFC 8489 5: the two most significant bits are zero; RFC 7983 relies on it to demultiplex.
  if (type & 0xC000) return fail(Errc::malformed, "stun: first two bits are not zero");
  if (cookie != kStunMagicCookie)
    return fail(Errc::malformed, "stun: no magic cookie (RFC 3489 or not STUN)");
  if (length % 4 != 0)
    return fail(Errc::malformed, "stun: length " + std::to_string(length) + " is not a multiple of 4");
  if (kStunHeaderSize + length > datagram.size())
    return fail(Errc::truncated, "stun: length " + std::to_string(length) + " runs past the datagram");
  if (kStunHeaderSize + length < datagram.size())
    return fail(Errc::malformed, "stun: " + std::to_string(datagram.size() - kStunHeaderSize - length) +
                                     " bytes after the message");
  method = static_cast<uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
  message_class = static_cast<StunClass>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
  const auto id = *reader.bytes(transaction_id.size());
  std::copy(id.begin(), id.end(), transaction_id.begin());
  return {};
}

}  // namespace

Result<StunMessage> parse_stun_message(std::span<const uint8_t> datagram) {
  StunMessage message;
  message.bytes_.assign(datagram.begin(), datagram.end());
  const std::span<const uint8_t> bytes = message.bytes_;
  ByteReader reader(bytes);
  if (auto header = read_header(reader, bytes, message.method_, message.class_, message.transaction_id_);
      !header)
    return tl::unexpected(std::move(header.error()));

  size_t count = 0;
  while (!reader.empty()) {
    const size_t header_offset = reader.position();
    if (message.has_fingerprint_) return fail(Errc::malformed, "stun: attribute after FINGERPRINT");
    if (++count > kStunMaxAttributes)
      return fail(Errc::over_limit, "stun: over " + std::to_string(kStunMaxAttributes) + " attributes");
    const auto type = reader.u16be();
    const auto length = reader.u16be();
    if (!type || !length) return fail(Errc::truncated, "stun: attribute header cut short");
    // RFC 8489 14: the value is padded to 4 bytes and the padding is part of the message.
    if (padded(*length) > reader.remaining())
      return fail(Errc::truncated, "stun: attribute " + hex16(*type) + ": length " + std::to_string(*length) +
                                       " runs past the message");
    const auto value_offset = static_cast<uint32_t>(reader.position());
    reader.skip(padded(*length));

    if (*type == stun_attr::kFingerprint) {
      if (*length != kFingerprintSize) return fail(Errc::malformed, "stun: FINGERPRINT is not 4 bytes");
      // RFC 8489 14.7: CRC-32 of everything before the attribute, the header length including it.
      const uint32_t expected = crc32(bytes.first(header_offset)) ^ kStunFingerprintXor;
      if (ByteReader(bytes.subspan(value_offset, kFingerprintSize)).u32be() != expected)
        return fail(Errc::malformed, "stun: FINGERPRINT does not match");
      message.has_fingerprint_ = true;
      continue;
    }
    // RFC 8489 14.5: what follows MESSAGE-INTEGRITY is ignored, FINGERPRINT excepted.
    if (message.integrity_offset_) continue;
    if (*type == stun_attr::kMessageIntegrity) {
      if (*length != kIntegritySize) return fail(Errc::malformed, "stun: MESSAGE-INTEGRITY is not 20 bytes");
      message.integrity_offset_ = header_offset;
    }
    auto& unknown = message.unknown_required_;
    if (*type < 0x8000 && !understood(*type) &&
        std::find(unknown.begin(), unknown.end(), *type) == unknown.end())
      unknown.push_back(*type);
    message.attributes_.push_back({*type, value_offset, *length});
  }
  return message;
}

std::optional<std::string_view> stun_username(const StunMessage& message) {
  const auto value = message.attribute(stun_attr::kUsername);
  if (!value) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(value->data()), value->size());
}

}  // namespace liverelay::webrtc
