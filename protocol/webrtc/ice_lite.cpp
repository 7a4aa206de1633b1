// Connectivity check handling of an ICE-lite agent (RFC 8445 7.3, RFC 8489 9.1.3).
#include "protocol/webrtc/ice_lite.hpp"

#include "protocol/core/byte_reader.hpp"
#include "protocol/webrtc/stun_integrity.hpp"
#include "protocol/webrtc/stun_writer.hpp"

namespace liverelay::webrtc {
namespace {

std::optional<uint64_t> read_u64(const StunMessage& message, uint16_t type) {
  const auto value = message.attribute(type);
  if (!value || value->size() != 8) return std::nullopt;
  return ByteReader(*value).u64be();
}

Result<BindingReply> refuse(const StunMessage& request, StunErrorCode code, std::string why,
                            std::string_view password = {}) {
  auto response = binding_error_response(request, code, password);
  if (!response) return tl::unexpected(std::move(response.error()));
  return BindingReply{std::move(*response), std::nullopt, std::move(why)};
}

}  // namespace

std::string_view reason_phrase(StunErrorCode code) {
  switch (code) {
    case StunErrorCode::bad_request:
      return "Bad Request";
    case StunErrorCode::unauthenticated:
      return "Unauthenticated";
    case StunErrorCode::unknown_attribute:
      return "Unknown Attribute";
    case StunErrorCode::role_conflict:
      return "Role Conflict";
  }
  return "Error";
}

std::optional<IceUsername> split_ice_username(std::string_view username) {
  const auto colon = username.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == username.size()) return std::nullopt;
  return IceUsername{std::string(username.substr(0, colon)), std::string(username.substr(colon + 1))};
}

Result<BindingRequest> read_binding_request(const StunMessage& message) {
  BindingRequest request;
  const auto username = stun_username(message);
  if (!username) return fail(Errc::malformed, "binding request: no USERNAME");
  auto parts = split_ice_username(*username);
  if (!parts) return fail(Errc::malformed, "binding request: USERNAME is not \"ufrag:ufrag\"");
  request.username = std::move(*parts);
  const auto priority = message.attribute(stun_attr::kPriority);
  if (!priority || priority->size() != 4) return fail(Errc::malformed, "binding request: no 4-byte PRIORITY");
  request.priority = *ByteReader(*priority).u32be();
  request.use_candidate = message.has(stun_attr::kUseCandidate);
  // RFC 8445 7.1.3: exactly one of the two roles, with the sender's tie-breaker.
  const auto controlling = read_u64(message, stun_attr::kIceControlling);
  const auto controlled = read_u64(message, stun_attr::kIceControlled);
  if (controlling.has_value() == controlled.has_value())
    return fail(Errc::malformed, "binding request: not exactly one 8-byte ICE-CONTROLLING or ICE-CONTROLLED");
  request.controlling = controlling.has_value();
  request.tie_breaker = controlling ? *controlling : *controlled;
  return request;
}

Result<BindingReply> answer_binding_request(const StunMessage& request,
                                            const IceSessionCredentials& credentials,
                                            const TransportAddress& source) {
  if (request.message_class() != StunClass::request) return BindingReply{};
  if (request.method() != kStunBindingMethod)
    return refuse(request, StunErrorCode::bad_request, "not a Binding request");
  // RFC 8489 9.1.3, in its order: missing credentials, then who is asking, then the HMAC.
  const auto username = stun_username(request);
  if (!username || !request.integrity_offset())
    return refuse(request, StunErrorCode::bad_request, "no USERNAME or MESSAGE-INTEGRITY");
  const auto parts = split_ice_username(*username);
  if (!parts || parts->local_ufrag != credentials.local_ufrag ||
      (!credentials.remote_ufrag.empty() && parts->remote_ufrag != credentials.remote_ufrag))
    return refuse(request, StunErrorCode::unauthenticated, "USERNAME does not name this session");
  if (!verify_message_integrity(request, credentials.local_pwd))
    return refuse(request, StunErrorCode::unauthenticated, "MESSAGE-INTEGRITY does not match");
  // From here the request is authentic, so the answers carry MESSAGE-INTEGRITY.
  if (!request.unknown_required().empty()) {
    auto response = binding_error_response(request, StunErrorCode::unknown_attribute, credentials.local_pwd);
    if (!response) return tl::unexpected(std::move(response.error()));
    return BindingReply{std::move(*response), std::nullopt, "unknown comprehension-required attributes"};
  }
  if (!request.has_fingerprint())
    return refuse(request, StunErrorCode::bad_request, "no FINGERPRINT", credentials.local_pwd);
  auto check = read_binding_request(request);
  if (!check)
    return refuse(request, StunErrorCode::bad_request, check.error().message, credentials.local_pwd);
  // RFC 8445 6.1.1: a lite agent is always controlled; 7.3.1.1: answer a controlled peer with 487
  // and keep our role, which makes the full agent switch to controlling.
  if (!check->controlling)
    return refuse(request, StunErrorCode::role_conflict, "peer is controlled too", credentials.local_pwd);
  auto response = binding_success_response(request, source, credentials.local_pwd);
  if (!response) return tl::unexpected(std::move(response.error()));
  return BindingReply{std::move(*response), std::move(*check), {}};
}

Result<std::vector<uint8_t>> binding_success_response(const StunMessage& request,
                                                      const TransportAddress& mapped,
                                                      std::string_view password) {
  StunWriter writer(kStunBindingMethod, StunClass::success_response, request.transaction_id());
  writer.add_xor_mapped_address(mapped);
  return std::move(writer).finish(password);
}

Result<std::vector<uint8_t>> binding_error_response(const StunMessage& request, StunErrorCode code,
                                                    std::string_view password) {
  StunWriter writer(request.method(), StunClass::error_response, request.transaction_id());
  writer.add_error_code(static_cast<uint16_t>(code), reason_phrase(code));
  if (code == StunErrorCode::unknown_attribute) writer.add_unknown_attributes(request.unknown_required());
  return std::move(writer).finish(password);
}

}  // namespace liverelay::webrtc
