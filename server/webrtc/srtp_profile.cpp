// SRTP profile parameters and the RFC 5764 4.2 layout of exported keying material.
#include "server/webrtc/srtp_profile.hpp"

#include <string>

namespace liverelay::webrtc {

std::string_view to_string(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::aead_aes_128_gcm:
      return "SRTP_AEAD_AES_128_GCM";
    case SrtpProfile::aes128_cm_sha1_80:
      return "SRTP_AES128_CM_SHA1_80";
  }
  return "unknown";
}

size_t srtp_key_length(SrtpProfile) {
  return 16;
}

size_t srtp_salt_length(SrtpProfile profile) {
  return profile == SrtpProfile::aead_aes_128_gcm ? 12 : 14;
}

Result<SrtpKeyingMaterial> split_keying_material(SrtpProfile profile, std::span<const uint8_t> block) {
  const size_t key_length = srtp_key_length(profile);
  const size_t salt_length = srtp_salt_length(profile);
  if (block.size() != 2 * (key_length + salt_length)) {
    return fail(Errc::malformed, std::string(to_string(profile)) + ": keying material of " +
                                     std::to_string(block.size()) + " bytes, expected " +
                                     std::to_string(2 * (key_length + salt_length)));
  }
  auto take = [&block](size_t offset, size_t length) {
    const auto part = block.subspan(offset, length);
    return std::vector<uint8_t>(part.begin(), part.end());
  };
  SrtpKeyingMaterial material;
  material.profile = profile;
  material.client.key = take(0, key_length);
  material.server.key = take(key_length, key_length);
  material.client.salt = take(2 * key_length, salt_length);
  material.server.salt = take(2 * key_length + salt_length, salt_length);
  return material;
}

}  // namespace liverelay::webrtc
