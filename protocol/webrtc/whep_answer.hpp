// The SDP answer to a WHEP offer (JSEP RFC 8829 5.3): an ICE-lite, DTLS-passive, send-only
// peer with one H.264 video, one Opus audio and one data channel, all on one BUNDLE transport.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/webrtc/whep_offer.hpp"

namespace liverelay::webrtc {

// A host candidate we announce (RFC 8839 5.1): the UDP socket's address as peers reach it.
struct HostCandidate {
  std::string address;  // "192.0.2.1" or "2001:db8::1"
  uint16_t port = 0;
};

struct WhepAnswerOptions {
  std::string ice_ufrag;  // ours, from generate_ice_credentials
  std::string ice_pwd;
  std::string fingerprint_sha256;  // of our DTLS certificate, "AB:CD:...:EF" (RFC 8122 5)
  std::vector<HostCandidate> candidates;
  std::string h264_profile_level_id = "42e01f";  // the stream's, from its SPS
  bool audio = true;  // the stream has audio to send (as Opus); false answers audio m-lines with port 0
  uint32_t video_ssrc = 0;
  uint32_t audio_ssrc = 0;
  std::string cname;                    // RTCP CNAME (RFC 7022), one per session
  std::string stream_id = "liverelay";  // a=msid stream and track ids (RFC 8830)
  std::string video_track_id = "video";
  std::string audio_track_id = "audio";
  uint64_t session_id = 1;             // o= line; JSEP 5.2.1: under 2^63
  uint64_t max_message_size = 262144;  // what our SCTP stack takes in one message (RFC 8841 6)
};

struct NegotiatedVideo {
  std::string mid;
  uint8_t payload_type = 0;
  std::string profile_level_id;  // as answered
  bool nack = false;             // RFC 4585 generic NACK: retransmit on request
  bool pli = false;              // RFC 4585 6.3.1: send a keyframe on request
  bool fir = false;              // RFC 5104 4.3.1: the same, older browsers' way
};

struct NegotiatedAudio {
  std::string mid;
  uint8_t payload_type = 0;
};

struct NegotiatedDataChannel {
  std::string mid;
  uint16_t sctp_port = 5000;                 // both ends use the offer's (RFC 8841 5)
  uint64_t remote_max_message_size = 65536;  // RFC 8841 6.1: 64 KiB when the offer says nothing
};

struct WhepAnswer {
  std::string sdp;
  // What the session needs from the offer: the browser's ICE ufrag and password, the
  // fingerprints its DTLS certificate must match, and the accepted media.
  std::string remote_ufrag;
  std::string remote_pwd;
  std::vector<DtlsFingerprint> remote_fingerprints;
  std::optional<NegotiatedVideo> video;
  std::optional<NegotiatedAudio> audio;
  std::optional<NegotiatedDataChannel> data_channel;
};

// Accepts the first video m-line with H.264 packetization-mode=1 (required: Errc::unsupported
// naming why each video m-line was turned down), the first audio m-line with opus/48000/2 when
// `options.audio`, and the first webrtc-datachannel m-line; each must be offered, carry a mid,
// be in the BUNDLE group and (for RTP) use rtcp-mux and want to receive. Every other m-line is
// answered with port 0 (JSEP 5.3.1). Several accepted m-lines without a BUNDLE group are
// refused (Errc::unsupported): we run one transport per session.
Result<WhepAnswer> build_whep_answer(const WhepOffer& offer, const WhepAnswerOptions& options);

}  // namespace liverelay::webrtc
