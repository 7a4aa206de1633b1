// Random ICE credentials for our side of a session (RFC 8445 5.3, RFC 8839 5.4).
#pragma once

#include <string>
#include <string_view>

#include "protocol/core/error.hpp"

namespace liverelay::webrtc {

struct IceCredentials {
  std::string ufrag;  // finds the session when a check arrives: unique among live sessions, not secret
  std::string pwd;    // keys MESSAGE-INTEGRITY: secret
};

// RFC 8839 5.4: ufrag 4 to 256 ice-chars, pwd 22 to 256; RFC 8445 5.3: at least 24 and 128 random bits.
// We use 8 (48 bits, rare collisions across sessions) and 32 (192 bits) characters.
inline constexpr size_t kIceUfragChars = 8;
inline constexpr size_t kIcePwdChars = 32;

// From OpenSSL's RAND_bytes; fails only if the generator does (it is not seeded).
Result<IceCredentials> generate_ice_credentials();

// RFC 8839 5.4: ice-char = ALPHA / DIGIT / "+" / "/".
bool is_ice_chars(std::string_view text);
// A ufrag or pwd as the offer sent it: ice-chars in RFC 8839 5.4's length range.
bool valid_ice_ufrag(std::string_view ufrag);
bool valid_ice_pwd(std::string_view pwd);

}  // namespace liverelay::webrtc
