// The ICE connectivity check a controlling browser sends to an ICE-lite server (RFC 8445 7.2.2):
// Binding request, USERNAME "<server ufrag>:<our ufrag>", PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
// MESSAGE-INTEGRITY keyed with the server's ice-pwd, FINGERPRINT. The same request renews consent
// (RFC 7675 5.1), so it is repeated every couple of seconds.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/webrtc/stun_message.hpp"

namespace whep_load {

struct CheckCredentials {
  std::string server_ufrag;
  std::string server_pwd;
  std::string client_ufrag;
  uint64_t tie_breaker = 0;
};

// RFC 8445 5.1.2.1: a peer-reflexive candidate's priority (type preference 110), as the check's
// PRIORITY carries; local preference 65535, component 1.
inline constexpr uint32_t kCheckPriority = (110u << 24) | (65535u << 8) | 255u;

// The request's bytes, with a fresh random transaction id written to `transaction_id`.
liverelay::Result<std::vector<uint8_t>> connectivity_check(const CheckCredentials& credentials,
                                                           liverelay::webrtc::TransactionId& transaction_id);

enum class CheckAnswer { not_ours, success, error };

// Whether `datagram` answers the check `sent`: a Binding success response with that
// transaction id and MESSAGE-INTEGRITY that the server's ice-pwd verifies (RFC 8445 7.2.5.2),
// or an error response to it.
CheckAnswer read_check_answer(std::span<const uint8_t> datagram, const liverelay::webrtc::TransactionId& sent,
                              const std::string& server_pwd);

}  // namespace whep_load
