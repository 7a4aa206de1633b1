// Wraps libsrtp2: one-time library start-up, policies per profile, status codes as errors.
#include "server/webrtc/srtp_session.hpp"

#include <srtp2/srtp.h>

#include <string>

namespace liverelay::webrtc {

namespace {

// Replay window in packets: video bursts reorder, and RFC 3711 3.3.2 asks for at least 64.
constexpr unsigned long kReplayWindow = 1024;
// srtp_protect_rtcp() may append the tag, the MKI and the 4-byte SRTCP index.
constexpr size_t kMaxGrowth = SRTP_MAX_TRAILER_LEN + 4;
constexpr size_t kRtpHeaderBytes = 12;
constexpr size_t kRtcpHeaderBytes = 8;

const char* describe(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_auth_fail:
      return "authentication failed";
    case srtp_err_status_replay_fail:
      return "replayed packet";
    case srtp_err_status_replay_old:
      return "packet older than the replay window";
    case srtp_err_status_bad_param:
      return "bad parameter";
    case srtp_err_status_alloc_fail:
      return "out of memory";
    case srtp_err_status_init_fail:
      return "initialisation failed";
    case srtp_err_status_cipher_fail:
      return "cipher failure";
    case srtp_err_status_no_ctx:
      return "no context for this SSRC";
    case srtp_err_status_parse_err:
      return "malformed packet";
    case srtp_err_status_key_expired:
      return "key expired";
    default:
      return "libsrtp2 error";
  }
}

std::string status_text(srtp_err_status_t status) {
  return std::string(describe(status)) + " (srtp_err_status " + std::to_string(static_cast<int>(status)) +
         ")";
}

void set_policy(srtp_policy_t& policy, SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::aead_aes_128_gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
    case SrtpProfile::aes128_cm_sha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
  }
}

}  // namespace

Result<void> init_srtp_library() {
  // libsrtp2 keeps global state (its crypto kernel): started once, on first use, for the process.
  static const srtp_err_status_t status = srtp_init();
  if (status != srtp_err_status_ok) return fail(Errc::io, "SRTP: srtp_init: " + status_text(status));
  return {};
}

void SrtpSession::SessionFree::operator()(void* session) const {
  srtp_dealloc(static_cast<srtp_t>(session));
}

Result<SrtpSession> SrtpSession::outbound(SrtpProfile profile, const SrtpMasterKey& key) {
  return create(profile, key, Direction::outbound);
}

Result<SrtpSession> SrtpSession::inbound(SrtpProfile profile, const SrtpMasterKey& key) {
  return create(profile, key, Direction::inbound);
}

Result<SrtpSession> SrtpSession::create(SrtpProfile profile, const SrtpMasterKey& key, Direction direction) {
  const std::string name(to_string(profile));
  if (key.key.size() != srtp_key_length(profile) || key.salt.size() != srtp_salt_length(profile)) {
    return fail(Errc::malformed, "SRTP " + name + ": a " + std::to_string(key.key.size()) + "-byte key and " +
                                     std::to_string(key.salt.size()) + "-byte salt, expected " +
                                     std::to_string(srtp_key_length(profile)) + " and " +
                                     std::to_string(srtp_salt_length(profile)));
  }
  if (auto started = init_srtp_library(); !started) return tl::unexpected(std::move(started.error()));
  // libsrtp2 wants the master key and salt in one buffer.
  std::vector<uint8_t> key_and_salt(key.key);
  key_and_salt.insert(key_and_salt.end(), key.salt.begin(), key.salt.end());

  srtp_policy_t policy{};
  set_policy(policy, profile);
  policy.ssrc.type = direction == Direction::outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.key = key_and_salt.data();
  policy.window_size = kReplayWindow;
  policy.allow_repeat_tx = direction == Direction::outbound ? 1 : 0;
  policy.next = nullptr;

  srtp_t session = nullptr;
  if (const srtp_err_status_t status = srtp_create(&session, &policy); status != srtp_err_status_ok) {
    return fail(Errc::io, "SRTP " + name + ": srtp_create: " + status_text(status));
  }
  return SrtpSession(session, profile, direction);
}

Result<std::vector<uint8_t>> SrtpSession::protect_rtp(std::span<const uint8_t> rtp) {
  if (direction_ != Direction::outbound)
    return fail(Errc::unsupported, "SRTP: protect on an inbound session");
  if (rtp.size() < kRtpHeaderBytes) {
    return fail(Errc::malformed, "SRTP protect: " + std::to_string(rtp.size()) + "-byte RTP packet");
  }
  std::vector<uint8_t> packet(rtp.size() + kMaxGrowth);
  std::copy(rtp.begin(), rtp.end(), packet.begin());
  int length = static_cast<int>(rtp.size());
  if (const srtp_err_status_t status =
          srtp_protect(static_cast<srtp_t>(session_.get()), packet.data(), &length);
      status != srtp_err_status_ok) {
    return fail(Errc::io, "SRTP protect: " + status_text(status));
  }
  packet.resize(static_cast<size_t>(length));
  return packet;
}

Result<std::vector<uint8_t>> SrtpSession::protect_rtcp(std::span<const uint8_t> rtcp) {
  if (direction_ != Direction::outbound)
    return fail(Errc::unsupported, "SRTCP: protect on an inbound session");
  if (rtcp.size() < kRtcpHeaderBytes) {
    return fail(Errc::malformed, "SRTCP protect: " + std::to_string(rtcp.size()) + "-byte RTCP packet");
  }
  std::vector<uint8_t> packet(rtcp.size() + kMaxGrowth);
  std::copy(rtcp.begin(), rtcp.end(), packet.begin());
  int length = static_cast<int>(rtcp.size());
  if (const srtp_err_status_t status =
          srtp_protect_rtcp(static_cast<srtp_t>(session_.get()), packet.data(), &length);
      status != srtp_err_status_ok) {
    return fail(Errc::io, "SRTCP protect: " + status_text(status));
  }
  packet.resize(static_cast<size_t>(length));
  return packet;
}

Result<std::vector<uint8_t>> SrtpSession::unprotect_rtcp(std::span<const uint8_t> srtcp) {
  if (direction_ != Direction::inbound)
    return fail(Errc::unsupported, "SRTCP: unprotect on an outbound session");
  if (srtcp.size() < kRtcpHeaderBytes + 4) {
    return fail(Errc::malformed, "SRTCP unprotect: " + std::to_string(srtcp.size()) + "-byte packet");
  }
  std::vector<uint8_t> packet(srtcp.begin(), srtcp.end());
  int length = static_cast<int>(packet.size());
  if (const srtp_err_status_t status =
          srtp_unprotect_rtcp(static_cast<srtp_t>(session_.get()), packet.data(), &length);
      status != srtp_err_status_ok) {
    const bool refused = status == srtp_err_status_auth_fail || status == srtp_err_status_replay_fail ||
                         status == srtp_err_status_replay_old;
    return fail(refused ? Errc::refused : Errc::malformed, "SRTCP unprotect: " + status_text(status));
  }
  packet.resize(static_cast<size_t>(length));
  return packet;
}

}  // namespace liverelay::webrtc
