// SDP offers for the WHEP tests: two captured from real clients (tests/data/webrtc/README.md)
// and a small hand-written one that tests edit to make bad offers.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace liverelay::webrtc::test {

inline std::string read_fixture(std::string_view name) {
  std::ifstream file(std::string(LIVERELAY_TEST_DATA_DIR) + "/webrtc/" + std::string(name), std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Chromium 156: recvonly video (VP8, VP9, H.264 in 8 variants, AV1, rtx, red, ulpfec), recvonly
// audio (opus first), a data channel; host candidates in the first m-line; CRLF.
inline std::string chromium_offer() {
  return read_fixture("chromium_156_whep_offer.sdp");
}

// GStreamer 1.22 webrtcbin set up as whepsrc does: H.264 and OPUS recvonly, max-bundle (port 0
// with a=bundle-only after the first m-line), a data channel without a=max-message-size.
inline std::string gstreamer_offer() {
  return read_fixture("gstreamer_1_22_webrtcbin_offer.sdp");
}

// Hand-written to Firefox's and Safari's shapes (tests/data/webrtc/README.md says what each shows).
inline std::string firefox_offer() { return read_fixture("firefox_shape_whep_offer.sdp"); }
inline std::string safari_offer() { return read_fixture("safari_shape_whep_offer.sdp"); }

// The smallest offer the answer accepts whole; tests swap lines in it with `replaced`.
inline constexpr std::string_view kSmallOffer =
    "v=0\r\n"
    "o=- 1 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=mid:0\r\n"
    "a=ice-ufrag:abcd\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuv\r\n"
    "a=fingerprint:sha-256 "
    "00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13:14:15:16:17:18:19:1A:1B:1C:1D:1E:1F\r\n"
    "a=setup:actpass\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtpmap:97 H264/90000\r\n"
    "a=rtcp-fb:97 nack pli\r\n"
    "a=fmtp:97 packetization-mode=1;profile-level-id=42e01f\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=mid:1\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n";

// `text` with its first `from` replaced by `to`; fails the test if `from` is not there.
inline std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const size_t at = out.find(from);
  if (at == std::string::npos) throw std::logic_error("fixture has no \"" + std::string(from) + "\"");
  out.replace(at, from.size(), to);
  return out;
}

}  // namespace liverelay::webrtc::test
