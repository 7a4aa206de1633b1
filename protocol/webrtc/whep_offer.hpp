// A WHEP client's SDP offer (draft-ietf-wish-whep, JSEP RFC 8829) read into what the answer and
// the session need: ICE credentials, DTLS fingerprints, BUNDLE, and per m-line the mid,
// direction, RTP codecs or SCTP port.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::webrtc {

enum class MediaDirection { sendrecv, sendonly, recvonly, inactive };

// One payload type: a=rtpmap, a=fmtp and a=rtcp-fb gathered (RFC 8866 6.6, RFC 4585 4.2).
struct RtpCodec {
  uint8_t payload_type = 0;
  std::string name;  // as offered: "H264", "opus", "OPUS", "rtx"
  uint32_t clock_rate = 0;
  uint16_t channels = 0;              // audio only; 0 when the rtpmap has none
  std::string fmtp;                   // "level-asymmetry-allowed=1;packetization-mode=1;..." or empty
  std::vector<std::string> feedback;  // "nack", "nack pli", "ccm fir", ... including those for "*"
};

struct OfferedMedia {
  std::string kind;  // "audio", "video", "application"
  uint16_t port = 0;
  std::string protocol;  // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP"
  std::vector<std::string> formats;
  std::string mid;                                      // empty when the offer has no a=mid
  MediaDirection direction = MediaDirection::sendrecv;  // RFC 8866 6.7: the default
  bool bundle_only = false;                             // RFC 9143 6: port 0 then still means "offered"
  bool rtcp_mux = false;
  std::vector<RtpCodec> codecs;              // RTP m-lines, in the m-line's order of preference
  std::optional<uint16_t> sctp_port;         // RFC 8841 5
  std::optional<uint64_t> max_message_size;  // RFC 8841 6

  [[nodiscard]] bool is_datachannel() const;
  // Not rejected by the offerer (JSEP 5.3.1: port 0 without bundle-only).
  [[nodiscard]] bool offered() const { return port != 0 || bundle_only; }
};

// a=fingerprint (RFC 8122 5): the hash of the peer's DTLS certificate, checked in the handshake.
struct DtlsFingerprint {
  std::string algorithm;        // lower case: "sha-256"
  std::vector<uint8_t> digest;  // from "36:5D:9E:..."
};

struct WhepOffer {
  std::string ice_ufrag;  // the browser's: the second half of the USERNAME of its checks
  std::string ice_pwd;
  std::vector<DtlsFingerprint> fingerprints;
  std::string setup;                // "actpass" (what JSEP offers send) or "active"
  std::vector<std::string> bundle;  // mids of the first a=group:BUNDLE, in its order
  std::vector<OfferedMedia> media;
};

// Refuses, with the reason in the message: text that is not an SDP offer (Errc::malformed),
// over kMaxSdpBytes (Errc::over_limit), an offer without a=ice-ufrag/a=ice-pwd or a=fingerprint
// or with malformed ones (Errc::malformed), and what we cannot serve (Errc::unsupported): an
// ice-lite peer (RFC 8445 6.1.1: two lite agents have nobody to control) or a=setup:passive
// (we are the DTLS server, RFC 8842 5.2). The ICE credentials and fingerprints are those of the
// first m-line of the BUNDLE group (its "offerer tagged" section, RFC 9143 7.2), or of the first
// m-line, with session-level values as a fallback (RFC 8839 5.4, RFC 8122 5).
Result<WhepOffer> read_whep_offer(std::string_view sdp);

// The value of one fmtp parameter: ("a=1;b=2", "b") -> "2" (RFC 6184 8.1 style "key=value;...").
std::optional<std::string_view> fmtp_parameter(std::string_view fmtp, std::string_view key);

// ASCII case-insensitive equality: codec names are case-insensitive (RFC 4855 3).
bool iequals(std::string_view a, std::string_view b);

}  // namespace liverelay::webrtc
