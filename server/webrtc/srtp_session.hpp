// SRTP and SRTCP for one direction of a WebRTC session, on libsrtp2 (RFC 3711, RFC 7714).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"
#include "server/webrtc/srtp_profile.hpp"

namespace liverelay::webrtc {

// Starts libsrtp2 (srtp_init) the first time, and answers that first outcome ever after.
// libsrtp2 2.5 refuses a second srtp_init (srtp_err_status_bad_param), so anything else in the
// process that uses libsrtp2 directly, tests included, must go through this too.
Result<void> init_srtp_library();

// One libsrtp2 session for every SSRC going one way. We are the DTLS server, so the outbound
// session takes the server's master key and the inbound one the client's (RFC 5764 4.2).
class SrtpSession {
 public:
  // Errc::malformed for a key or salt of the wrong length for the profile; Errc::io when
  // libsrtp2 refuses (its status is in the message).
  static Result<SrtpSession> outbound(SrtpProfile profile, const SrtpMasterKey& key);
  static Result<SrtpSession> inbound(SrtpProfile profile, const SrtpMasterKey& key);

  SrtpSession(SrtpSession&&) noexcept = default;
  SrtpSession& operator=(SrtpSession&&) noexcept = default;
  ~SrtpSession() = default;

  // A whole RTP or RTCP packet in, its protected form out. Resending the same RTP packet
  // (a NACK answered without RTX) is allowed.
  Result<std::vector<uint8_t>> protect_rtp(std::span<const uint8_t> rtp);
  Result<std::vector<uint8_t>> protect_rtcp(std::span<const uint8_t> rtcp);
  // An SRTCP packet in, the RTCP out. Errc::refused for one that fails authentication or
  // replays an index already seen (RFC 3711 3.3.2), Errc::malformed for a packet too short.
  Result<std::vector<uint8_t>> unprotect_rtcp(std::span<const uint8_t> srtcp);

  [[nodiscard]] SrtpProfile profile() const { return profile_; }

 private:
  enum class Direction { outbound, inbound };
  struct SessionFree {
    void operator()(void* session) const;
  };

  static Result<SrtpSession> create(SrtpProfile profile, const SrtpMasterKey& key, Direction direction);
  SrtpSession(void* session, SrtpProfile profile, Direction direction)
      : session_(session), profile_(profile), direction_(direction) {}

  std::unique_ptr<void, SessionFree> session_;  // srtp_t: libsrtp2 stays out of this header
  SrtpProfile profile_;
  Direction direction_;
};

}  // namespace liverelay::webrtc
