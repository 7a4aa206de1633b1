// The STUN server half of an ICE-lite agent (RFC 8445 2.5, 7.3): read a connectivity check,
// answer it, and say which pair the browser nominated. Consent checks (RFC 7675) are the same
// Binding requests, so answering them keeps the session's consent fresh.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/webrtc/stun_message.hpp"
#include "protocol/webrtc/transport_address.hpp"

namespace liverelay::webrtc {

// The error responses a lite agent sends (RFC 8489 14.8, RFC 8445 16.2).
enum class StunErrorCode : uint16_t {
  bad_request = 400,        // a required attribute is missing or malformed
  unauthenticated = 401,    // unknown USERNAME or wrong MESSAGE-INTEGRITY
  unknown_attribute = 420,  // comprehension-required attributes we do not know
  role_conflict = 487,      // the peer claims the controlled role too
};
std::string_view reason_phrase(StunErrorCode code);

// USERNAME of a check is "receiver's ufrag:sender's ufrag" (RFC 8445 7.2.2): for us
// "our ufrag:browser's ufrag". The first part finds the session before any password is known.
struct IceUsername {
  std::string local_ufrag;
  std::string remote_ufrag;
};
std::optional<IceUsername> split_ice_username(std::string_view username);

// What a valid connectivity check says.
struct BindingRequest {
  IceUsername username;
  uint32_t priority = 0;       // PRIORITY (RFC 8445 7.1.1): a peer-reflexive candidate's priority
  bool use_candidate = false;  // USE-CANDIDATE (RFC 8445 7.1.2): the controlling agent nominates this pair
  bool controlling = true;     // ICE-CONTROLLING present (false: ICE-CONTROLLED)
  uint64_t tie_breaker = 0;
};

// Reads the ICE attributes; the error's message names what is missing (answer 400).
Result<BindingRequest> read_binding_request(const StunMessage& message);

// A session's ICE credentials: ours (from our answer) and the browser's ufrag (from its offer).
struct IceSessionCredentials {
  std::string local_ufrag;
  std::string local_pwd;
  std::string remote_ufrag;  // empty: not checked
};

struct BindingReply {
  std::vector<uint8_t> response;          // send to the request's source; empty: send nothing
  std::optional<BindingRequest> checked;  // set when the check succeeded (a working pair)
  std::string refusal;                    // why an error response was sent, for a debug log line
};

// Everything RFC 8489 9.1.3 and RFC 8445 7.3 ask of a lite agent for one datagram already known
// to be STUN for this session: Binding indications (keepalives, RFC 8445 11) get no answer,
// responses are not ours to get; a request missing USERNAME, MESSAGE-INTEGRITY, FINGERPRINT,
// PRIORITY or a role gets 400, wrong credentials 401, unknown comprehension-required attributes
// 420, ICE-CONTROLLED 487 (RFC 8445 6.1.1: facing a lite agent the full agent controls), and a
// good check a success with XOR-MAPPED-ADDRESS = `source`. Fails only if libcrypto does.
Result<BindingReply> answer_binding_request(const StunMessage& request,
                                            const IceSessionCredentials& credentials,
                                            const TransportAddress& source);

// The Binding success response: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT.
Result<std::vector<uint8_t>> binding_success_response(const StunMessage& request,
                                                      const TransportAddress& mapped,
                                                      std::string_view password);

// An error response with ERROR-CODE (and UNKNOWN-ATTRIBUTES for 420). MESSAGE-INTEGRITY only with
// a password: a 400 or 401 answers a request we could not authenticate (RFC 8489 9.1.3).
Result<std::vector<uint8_t>> binding_error_response(const StunMessage& request, StunErrorCode code,
                                                    std::string_view password = {});

}  // namespace liverelay::webrtc
