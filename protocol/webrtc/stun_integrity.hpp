// MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 14.5) with ICE's short-term credentials (RFC 8445 7.2.2).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "protocol/webrtc/stun_message.hpp"

namespace liverelay::webrtc {

using StunIntegrity = std::array<uint8_t, 20>;

// The HMAC-SHA1 of `prefix` (a message's header and the attributes before MESSAGE-INTEGRITY)
// computed as RFC 8489 14.5 says: with the header's length field counting up to the end of the
// MESSAGE-INTEGRITY attribute. The key is the short-term password as is (RFC 8489 9.1.1; ICE
// passwords are ice-chars, which OpaqueString leaves unchanged). Empty if libcrypto fails.
std::optional<StunIntegrity> stun_integrity(std::span<const uint8_t> prefix, std::string_view password);

// True when the message has MESSAGE-INTEGRITY and it matches `password`. The comparison is
// constant-time: a timing difference would tell an attacker how many bytes of a forgery were right.
bool verify_message_integrity(const StunMessage& message, std::string_view password);

}  // namespace liverelay::webrtc
