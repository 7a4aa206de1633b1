// Building the viewer's connectivity check with protocol/webrtc's StunWriter, and reading its answer.
#include "connectivity_check.hpp"

#include <openssl/rand.h>

#include "protocol/webrtc/stun_integrity.hpp"
#include "protocol/webrtc/stun_writer.hpp"

namespace whep_load {

using namespace liverelay::webrtc;

liverelay::Result<std::vector<uint8_t>> connectivity_check(const CheckCredentials& credentials,
                                                           TransactionId& transaction_id) {
  if (RAND_bytes(transaction_id.data(), static_cast<int>(transaction_id.size())) != 1)
    return liverelay::fail(liverelay::Errc::io, "RAND_bytes for a STUN transaction id");
  StunWriter writer(kStunBindingMethod, StunClass::request, transaction_id);
  writer.add_text(stun_attr::kUsername, credentials.server_ufrag + ":" + credentials.client_ufrag);
  writer.add_u64(stun_attr::kIceControlling, credentials.tie_breaker);
  writer.add_flag(stun_attr::kUseCandidate);
  writer.add_u32(stun_attr::kPriority, kCheckPriority);
  return std::move(writer).finish(credentials.server_pwd);
}

CheckAnswer read_check_answer(std::span<const uint8_t> datagram, const TransactionId& sent,
                              const std::string& server_pwd) {
  auto message = parse_stun_message(datagram);
  if (!message || message->method() != kStunBindingMethod || message->transaction_id() != sent)
    return CheckAnswer::not_ours;
  if (message->message_class() == StunClass::error_response) return CheckAnswer::error;
  if (message->message_class() != StunClass::success_response) return CheckAnswer::not_ours;
  return verify_message_integrity(*message, server_pwd) ? CheckAnswer::success : CheckAnswer::error;
}

}  // namespace whep_load
