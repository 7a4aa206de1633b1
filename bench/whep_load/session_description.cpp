// The load viewer's SDP offer, and the few facts read back from the server's answer.
#include "session_description.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace whep_load {
namespace {

using liverelay::Errc;
using liverelay::fail;

// The transport lines every BUNDLEd m-section repeats (JSEP 5.2.1 writes them in each).
std::string transport_lines(const OfferParams& p, std::string_view mid) {
  return fmt::format(
      "c=IN IP4 0.0.0.0\r\n"
      "a=rtcp:9 IN IP4 0.0.0.0\r\n"
      "a=ice-ufrag:{}\r\n"
      "a=ice-pwd:{}\r\n"
      "a=ice-options:trickle\r\n"
      "a=fingerprint:sha-256 {}\r\n"
      "a=setup:actpass\r\n"
      "a=mid:{}\r\n"
      "a=recvonly\r\n"
      "a=rtcp-mux\r\n",
      p.ice_ufrag, p.ice_pwd, p.fingerprint_sha256, mid);
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t end = std::min(text.find(separator, at), text.size());
    if (end > at) out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

template <class T>
std::optional<T> number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// RFC 8839 5.1: "a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>"
void read_candidate(std::string_view value, AnswerFacts& facts) {
  if (facts.candidate_port != 0) return;  // the first one is the one we use
  const auto fields = split(value, ' ');
  if (fields.size() < 8 || fields[1] != "1" || (fields[2] != "udp" && fields[2] != "UDP")) return;
  const auto port = number<uint16_t>(fields[5]);
  if (!port) return;
  facts.candidate_ip = fields[4];
  facts.candidate_port = *port;
}

void read_line(std::string_view line, std::string_view& kind, AnswerFacts& facts) {
  if (line.starts_with("m=")) {
    kind = line.substr(2, line.find(' ') - 2);
    return;
  }
  if (!line.starts_with("a=")) return;
  const std::string_view attribute = line.substr(2);
  const size_t colon = attribute.find(':');
  const std::string_view name = attribute.substr(0, colon);
  const std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : attribute.substr(colon + 1);
  if (name == "ice-lite") facts.ice_lite = true;
  if (name == "ice-ufrag" && facts.ice_ufrag.empty()) facts.ice_ufrag = value;
  if (name == "ice-pwd" && facts.ice_pwd.empty()) facts.ice_pwd = value;
  if (name == "setup" && facts.setup.empty()) facts.setup = value;
  if (name == "fingerprint" && facts.fingerprint_sha256.empty() && value.starts_with("sha-256 "))
    facts.fingerprint_sha256 = value.substr(8);
  if (name == "candidate") read_candidate(value, facts);
  if (name == "ssrc") {
    const auto ssrc = number<uint32_t>(value.substr(0, value.find(' ')));
    if (ssrc && kind == "video" && !facts.video_ssrc) facts.video_ssrc = ssrc;
    if (ssrc && kind == "audio" && !facts.audio_ssrc) facts.audio_ssrc = ssrc;
  }
}

}  // namespace

std::string make_offer(const OfferParams& p) {
  std::string sdp = fmt::format(
      "v=0\r\n"
      "o=- {} 2 IN IP4 127.0.0.1\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "a=group:BUNDLE 0 1\r\n"
      "a=extmap-allow-mixed\r\n"
      "a=msid-semantic: WMS\r\n",
      p.session_id);
  sdp += "m=video 9 UDP/TLS/RTP/SAVPF 102\r\n" + transport_lines(p, "0") +
         "a=rtcp-rsize\r\n"
         "a=rtpmap:102 H264/90000\r\n"
         "a=rtcp-fb:102 nack\r\n"
         "a=rtcp-fb:102 nack pli\r\n"
         "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";
  sdp += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + transport_lines(p, "1") +
         "a=rtpmap:111 opus/48000/2\r\n"
         "a=fmtp:111 minptime=10;useinbandfec=1\r\n";
  return sdp;
}

liverelay::Result<AnswerFacts> read_answer(std::string_view sdp) {
  AnswerFacts facts;
  std::string_view kind;
  for (std::string_view line : split(sdp, '\n')) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    read_line(line, kind, facts);
  }
  if (facts.ice_ufrag.empty() || facts.ice_pwd.empty())
    return fail(Errc::malformed, "answer has no ICE credentials");
  if (facts.fingerprint_sha256.empty()) return fail(Errc::malformed, "answer has no sha-256 fingerprint");
  if (facts.candidate_port == 0) return fail(Errc::malformed, "answer has no UDP host candidate");
  return facts;
}

}  // namespace whep_load
