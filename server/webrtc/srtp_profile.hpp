// The SRTP protection profiles DTLS-SRTP negotiates and the master keys it exports (RFC 5764).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::webrtc {

// The profiles we offer in the use_srtp extension, in our order of preference.
enum class SrtpProfile {
  aead_aes_128_gcm,   // RFC 7714 14.2, id 0x0007: 16-byte key, 12-byte salt
  aes128_cm_sha1_80,  // RFC 5764 4.1.2, id 0x0001: 16-byte key, 14-byte salt
};

std::string_view to_string(SrtpProfile profile);
size_t srtp_key_length(SrtpProfile profile);
size_t srtp_salt_length(SrtpProfile profile);

// One direction's master key and salt.
struct SrtpMasterKey {
  std::vector<uint8_t> key;
  std::vector<uint8_t> salt;
};

// What a DTLS-SRTP handshake yields. We are the DTLS server: we protect with `server` and
// unprotect what the browser sends with `client`.
struct SrtpKeyingMaterial {
  SrtpProfile profile = SrtpProfile::aead_aes_128_gcm;
  SrtpMasterKey client;
  SrtpMasterKey server;
};

// RFC 5764 4.2: the exported block is client key | server key | client salt | server salt.
// A block of the wrong length for the profile is Errc::malformed.
Result<SrtpKeyingMaterial> split_keying_material(SrtpProfile profile, std::span<const uint8_t> block);

}  // namespace liverelay::webrtc
