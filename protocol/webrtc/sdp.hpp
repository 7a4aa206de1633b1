// SDP (RFC 8866) read into its session part and media sections, attributes kept as text.
// Meaning is given by the WHEP reader (whep_offer.hpp); this part only knows the syntax.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::webrtc {

// An offer from a browser is 3 to 7 KB; WHEP bodies over this are refused before parsing.
inline constexpr size_t kMaxSdpBytes = 64 * 1024;
inline constexpr size_t kMaxSdpMediaSections = 16;

// "a=name:value", or "a=name" (a flag: empty value, has_value false) (RFC 8866 5.13).
struct SdpAttribute {
  std::string name;
  std::string value;
  bool has_value = false;
};

// Attribute lookups shared by the session part and media sections.
struct SdpAttributes {
  std::vector<SdpAttribute> attributes;

  // The value of the first attribute of that name.
  [[nodiscard]] std::optional<std::string_view> attribute(std::string_view name) const;
  // The values of all attributes of that name, in order.
  [[nodiscard]] std::vector<std::string_view> attributes_named(std::string_view name) const;
  [[nodiscard]] bool has_attribute(std::string_view name) const;
};

// One "m=" line and what follows it up to the next (RFC 8866 5.14).
struct SdpMediaSection : SdpAttributes {
  std::string media;                 // "audio", "video", "application"
  uint16_t port = 0;                 // 0: rejected, or bundle-only (RFC 9143 6)
  std::string protocol;              // "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP"
  std::vector<std::string> formats;  // payload type numbers, or "webrtc-datachannel"
};

struct SessionDescription : SdpAttributes {
  std::vector<SdpMediaSection> media;
};

// Lines end in CRLF or, leniently (RFC 8866 5), a bare LF. The first line must be "v=0"; each
// line is "<letter>=<text>"; m= lines need a port and at least one format. Types other than
// v, m and a are checked for syntax and otherwise skipped: WebRTC puts nothing we need there.
Result<SessionDescription> parse_sdp(std::string_view text);

}  // namespace liverelay::webrtc
