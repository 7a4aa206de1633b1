// The SDP a load viewer sends (a recvonly offer shaped like Chromium's) and what it needs from the
// server's answer: ICE credentials, the DTLS fingerprint, the host candidate, the SSRCs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/core/error.hpp"

namespace whep_load {

struct OfferParams {
  std::string ice_ufrag;
  std::string ice_pwd;
  std::string fingerprint_sha256;  // "AB:CD:..." of our certificate
  uint64_t session_id = 0;
};

// v=0 ... a=group:BUNDLE 0 1; m=video (H264/90000 pt 102, packetization-mode=1,
// profile-level-id=42e01f, nack, nack pli) and m=audio (opus/48000/2 pt 111), both recvonly,
// rtcp-mux, a=setup:actpass (JSEP 5.2.1, RFC 8842 5.1), CRLF line ends (RFC 8866 5).
std::string make_offer(const OfferParams& params);

struct AnswerFacts {
  std::string ice_ufrag;           // the server's: the first half of our checks' USERNAME
  std::string ice_pwd;             // keys our checks' MESSAGE-INTEGRITY
  std::string fingerprint_sha256;  // "AB:CD:...", compared with the certificate DTLS shows us
  std::string candidate_ip;        // the first UDP host candidate
  uint16_t candidate_port = 0;
  std::optional<uint32_t> video_ssrc;
  std::optional<uint32_t> audio_ssrc;
  bool ice_lite = false;
  std::string setup;  // "passive" from liverelay: we are the DTLS client
};

// Reads the fields above; fails when credentials, fingerprint or a UDP candidate are missing.
liverelay::Result<AnswerFacts> read_answer(std::string_view sdp);

}  // namespace whep_load
