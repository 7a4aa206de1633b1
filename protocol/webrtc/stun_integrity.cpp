// HMAC-SHA1 over a STUN message prefix, on libcrypto.
#include "protocol/webrtc/stun_integrity.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

namespace liverelay::webrtc {
namespace {

constexpr size_t kIntegrityAttributeSize = 4 + 20;  // type, length, HMAC

}  // namespace

std::optional<StunIntegrity> stun_integrity(std::span<const uint8_t> prefix, std::string_view password) {
  if (prefix.size() < kStunHeaderSize) return std::nullopt;
  // The covered length is the prefix's attributes plus the MESSAGE-INTEGRITY attribute itself.
  std::vector<uint8_t> covered(prefix.begin(), prefix.end());
  const size_t length = prefix.size() - kStunHeaderSize + kIntegrityAttributeSize;
  covered[2] = static_cast<uint8_t>(length >> 8);
  covered[3] = static_cast<uint8_t>(length);
  StunIntegrity mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha1(), password.data(), static_cast<int>(password.size()), covered.data(), covered.size(),
           mac.data(), &mac_size) == nullptr ||
      mac_size != mac.size())
    return std::nullopt;
  return mac;
}

bool verify_message_integrity(const StunMessage& message, std::string_view password) {
  const auto offset = message.integrity_offset();
  const auto received = message.attribute(stun_attr::kMessageIntegrity);
  if (!offset || !received) return false;
  const auto expected = stun_integrity(message.bytes().first(*offset), password);
  return expected && received->size() == expected->size() &&
         CRYPTO_memcmp(received->data(), expected->data(), expected->size()) == 0;
}

}  // namespace liverelay::webrtc
