// Reading a WHEP offer: SDP attributes to credentials, fingerprints, BUNDLE and codecs.
#include "protocol/webrtc/whep_offer.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "protocol/webrtc/ice_credentials.hpp"
#include "protocol/webrtc/sdp.hpp"

namespace liverelay::webrtc {
namespace {

template <class T>
std::optional<T> to_number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "<pt> <rest>" as in rtpmap, fmtp and rtcp-fb values; rest may be empty.
std::pair<std::string_view, std::string_view> split_first(std::string_view value) {
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) return {value, {}};
  return {value.substr(0, space), trim(value.substr(space + 1))};
}

// RFC 8866 6.6: "<payload type> <encoding name>/<clock rate>[/<encoding parameters>]"
void add_rtpmaps(const SdpMediaSection& section, std::vector<RtpCodec>& codecs) {
  for (const std::string_view value : section.attributes_named("rtpmap")) {
    const auto [pt_text, encoding] = split_first(value);
    const auto pt = to_number<unsigned>(pt_text);
    if (!pt || *pt > 127) continue;
    // Only the m-line's formats count; an rtpmap for another type is ignored (RFC 8866 6.6).
    if (std::find(section.formats.begin(), section.formats.end(), pt_text) == section.formats.end()) continue;
    RtpCodec codec;
    codec.payload_type = static_cast<uint8_t>(*pt);
    const size_t slash = encoding.find('/');
    codec.name = encoding.substr(0, slash);
    if (slash != std::string_view::npos) {
      const std::string_view rest = encoding.substr(slash + 1);
      const size_t slash2 = rest.find('/');
      codec.clock_rate = to_number<uint32_t>(rest.substr(0, slash2)).value_or(0);
      if (slash2 != std::string_view::npos)
        codec.channels = to_number<uint16_t>(rest.substr(slash2 + 1)).value_or(0);
    }
    codecs.push_back(std::move(codec));
  }
  // Keep the m-line's order: it is the offerer's preference (RFC 8866 5.14).
  std::stable_sort(codecs.begin(), codecs.end(), [&](const RtpCodec& a, const RtpCodec& b) {
    const auto index = [&](uint8_t pt) {
      return std::find(section.formats.begin(), section.formats.end(), std::to_string(pt)) -
             section.formats.begin();
    };
    return index(a.payload_type) < index(b.payload_type);
  });
}

void add_fmtp_and_feedback(const SdpMediaSection& section, std::vector<RtpCodec>& codecs) {
  for (RtpCodec& codec : codecs) {
    const std::string pt = std::to_string(codec.payload_type);
    for (const std::string_view value : section.attributes_named("fmtp")) {
      const auto [target, parameters] = split_first(value);
      if (target == pt && codec.fmtp.empty()) codec.fmtp = parameters;
    }
    // RFC 4585 4.2: "a=rtcp-fb:* nack" applies to every payload type of the m-line.
    for (const std::string_view value : section.attributes_named("rtcp-fb")) {
      const auto [target, feedback] = split_first(value);
      if ((target == pt || target == "*") && !feedback.empty() &&
          std::find(codec.feedback.begin(), codec.feedback.end(), feedback) == codec.feedback.end())
        codec.feedback.emplace_back(feedback);
    }
  }
}

OfferedMedia read_media(const SdpMediaSection& section) {
  OfferedMedia media;
  media.kind = section.media;
  media.port = section.port;
  media.protocol = section.protocol;
  media.formats = section.formats;
  media.mid = section.attribute("mid").value_or("");
  if (section.has_attribute("sendonly")) media.direction = MediaDirection::sendonly;
  if (section.has_attribute("recvonly")) media.direction = MediaDirection::recvonly;
  if (section.has_attribute("inactive")) media.direction = MediaDirection::inactive;
  media.bundle_only = section.has_attribute("bundle-only");
  media.rtcp_mux = section.has_attribute("rtcp-mux");
  if (const auto port = section.attribute("sctp-port")) media.sctp_port = to_number<uint16_t>(trim(*port));
  if (const auto size = section.attribute("max-message-size"))
    media.max_message_size = to_number<uint64_t>(trim(*size));
  if (!media.is_datachannel()) {
    add_rtpmaps(section, media.codecs);
    add_fmtp_and_feedback(section, media.codecs);
  }
  return media;
}

std::optional<std::vector<uint8_t>> hex_pairs(std::string_view text) {
  std::vector<uint8_t> bytes;
  for (size_t at = 0; at <= text.size(); at += 3) {
    if (at + 2 > text.size() || (at + 2 < text.size() && text[at + 2] != ':')) return std::nullopt;
    const auto byte = [&]() -> std::optional<uint8_t> {
      uint8_t value = 0;
      const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + 2, value, 16);
      if (ec != std::errc() || end != text.data() + at + 2) return std::nullopt;
      return value;
    }();
    if (!byte) return std::nullopt;
    bytes.push_back(*byte);
  }
  return bytes;
}

// RFC 8122 5: "a=fingerprint:<hash-func> <XX:XX:...>"
Result<DtlsFingerprint> read_fingerprint(std::string_view value) {
  const auto [algorithm, hex] = split_first(value);
  DtlsFingerprint fingerprint;
  for (const char c : algorithm)
    fingerprint.algorithm += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto digest = hex_pairs(hex);
  if (fingerprint.algorithm.empty() || !digest || digest->empty())
    return fail(Errc::malformed, "a=fingerprint is not \"<hash> XX:XX:...\"");
  fingerprint.digest = std::move(*digest);
  return fingerprint;
}

// A media-level value, else the session-level one (RFC 8839 5.4: either place).
std::vector<std::string_view> values_at(const SessionDescription& session, const SdpMediaSection& tagged,
                                        std::string_view name) {
  auto values = tagged.attributes_named(name);
  return values.empty() ? session.attributes_named(name) : values;
}

Result<void> read_transport(const SessionDescription& session, const SdpMediaSection& tagged,
                            WhepOffer& offer) {
  const auto ufrag = values_at(session, tagged, "ice-ufrag");
  const auto pwd = values_at(session, tagged, "ice-pwd");
  if (ufrag.empty() || pwd.empty()) return fail(Errc::malformed, "offer has no a=ice-ufrag and a=ice-pwd");
  if (!valid_ice_ufrag(ufrag.front()) || !valid_ice_pwd(pwd.front()))
    return fail(Errc::malformed,
                "offer's a=ice-ufrag or a=ice-pwd is not 4+ or 22+ ice-chars (RFC 8839 5.4)");
  offer.ice_ufrag = ufrag.front();
  offer.ice_pwd = pwd.front();
  const auto fingerprints = values_at(session, tagged, "fingerprint");
  if (fingerprints.empty()) return fail(Errc::malformed, "offer has no a=fingerprint");
  for (const std::string_view value : fingerprints) {
    auto fingerprint = read_fingerprint(value);
    if (!fingerprint) return tl::unexpected(std::move(fingerprint.error()).context("offer"));
    offer.fingerprints.push_back(std::move(*fingerprint));
  }
  const auto setup = values_at(session, tagged, "setup");
  offer.setup = setup.empty() ? "actpass" : std::string(setup.front());
  if (offer.setup == "passive")
    return fail(Errc::unsupported, "offer's a=setup:passive would make us the DTLS client; we only accept");
  if (offer.setup != "actpass" && offer.setup != "active")
    return fail(Errc::malformed, "offer's a=setup:" + offer.setup + " is not actpass, active or passive");
  return {};
}

std::vector<std::string> first_bundle_group(const SessionDescription& session) {
  for (const std::string_view group : session.attributes_named("group")) {
    const auto [semantics, mids] = split_first(group);
    if (semantics != "BUNDLE") continue;
    std::vector<std::string> out;
    size_t at = 0;
    while (at < mids.size()) {
      const size_t end = std::min(mids.find(' ', at), mids.size());
      if (end > at) out.emplace_back(mids.substr(at, end - at));
      at = end + 1;
    }
    return out;
  }
  return {};
}

}  // namespace

bool OfferedMedia::is_datachannel() const {
  return kind == "application" && protocol.find("DTLS/SCTP") != std::string::npos &&
         std::find(formats.begin(), formats.end(), "webrtc-datachannel") != formats.end();
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string_view> fmtp_parameter(std::string_view fmtp, std::string_view key) {
  size_t at = 0;
  while (at <= fmtp.size()) {
    const size_t end = std::min(fmtp.find(';', at), fmtp.size());
    const std::string_view pair = trim(fmtp.substr(at, end - at));
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos && iequals(trim(pair.substr(0, equals)), key))
      return trim(pair.substr(equals + 1));
    at = end + 1;
  }
  return std::nullopt;
}

Result<WhepOffer> read_whep_offer(std::string_view sdp) {
  auto session = parse_sdp(sdp);
  if (!session) return tl::unexpected(std::move(session.error()).context("offer"));
  if (session->media.empty()) return fail(Errc::malformed, "offer has no m= lines");
  if (session->has_attribute("ice-lite"))
    return fail(Errc::unsupported,
                "offer is ice-lite too: one side must be a full ICE agent (RFC 8445 6.1.1)");

  WhepOffer offer;
  offer.bundle = first_bundle_group(*session);
  for (const SdpMediaSection& section : session->media) offer.media.push_back(read_media(section));
  // The transport attributes come from the BUNDLE group's first m-line.
  const SdpMediaSection* tagged = &session->media.front();
  if (!offer.bundle.empty()) {
    for (const SdpMediaSection& section : session->media)
      if (section.attribute("mid") == offer.bundle.front()) tagged = &section;
  }
  if (auto transport = read_transport(*session, *tagged, offer); !transport)
    return tl::unexpected(std::move(transport.error()));
  return offer;
}

}  // namespace liverelay::webrtc
