// RTP packets (RFC 3550 5.1): the 12-byte header we send, the in-place rewrites a viewer needs,
// and a bounds-checked parser for any RTP packet.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "protocol/core/error.hpp"

namespace liverelay::rtp {

inline constexpr uint8_t kRtpVersion = 2;
// What every packet we send carries: no CSRC list, no extension, so each field a viewer rewrites
// sits at a fixed offset (RFC 3550 5.1).
inline constexpr size_t kRtpHeaderSize = 12;
inline constexpr size_t kMaxCsrcCount = 15;  // CC is a 4-bit field

struct RtpHeader {
  bool marker = false;
  uint8_t payload_type = 0;  // 7 bits
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;

  bool operator==(const RtpHeader&) const = default;
};

// Writes V=2, P=0, X=0, CC=0 and the fields of `header` into the first 12 bytes of `out`.
// Throws std::invalid_argument when `out` is shorter or the payload type is over 127: the caller
// sizes the buffer and chooses the type, so either is a programming error.
void write_rtp_header(const RtpHeader& header, std::span<uint8_t> out);

// In-place rewrites of a packet written by write_rtp_header, for a viewer's copy of a packet
// shared by every viewer: each viewer has its own SSRC, sequence numbers and negotiated payload
// type (RFC 3550 5.1 offsets: sequence at 2, SSRC at 8). Same preconditions as write_rtp_header.
void set_sequence(std::span<uint8_t> packet, uint16_t sequence);
void set_ssrc(std::span<uint8_t> packet, uint32_t ssrc);
void set_payload_type(std::span<uint8_t> packet, uint8_t payload_type);  // keeps the marker bit

// RFC 3550 5.3.1: 16 profile-defined bits, then the extension's words (RFC 8285 one-byte headers
// when the profile is 0xBEDE, two-byte when 0x100x; not interpreted here).
struct RtpExtension {
  uint16_t profile = 0;
  std::span<const uint8_t> data;
};

// A parsed packet; the spans point into the bytes given to parse_rtp.
struct RtpPacket {
  RtpHeader header;
  uint8_t csrc_count = 0;
  std::array<uint32_t, kMaxCsrcCount> csrcs{};
  std::optional<RtpExtension> extension;
  std::span<const uint8_t> payload;  // without padding; may be empty (padding-only probes)
  uint8_t padding_size = 0;          // RFC 3550 5.1: the count in the last byte, itself included
};

// RFC 3550 5.1 and A.1: version 2; the CSRC list, the extension and the padding must fit; a
// padding count of 0 is malformed. Never reads past `packet`.
Result<RtpPacket> parse_rtp(std::span<const uint8_t> packet);

}  // namespace liverelay::rtp
