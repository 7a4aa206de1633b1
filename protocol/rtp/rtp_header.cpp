// RTP packets (RFC 3550 5.1): header writer, in-place rewrites and parser.
#include "protocol/rtp/rtp_header.hpp"

#include <stdexcept>
#include <string>

#include "protocol/core/byte_reader.hpp"

namespace liverelay::rtp {

namespace {

constexpr size_t kSequenceOffset = 2;
constexpr size_t kTimestampOffset = 4;
constexpr size_t kSsrcOffset = 8;
constexpr uint8_t kMarkerBit = 0x80;
constexpr uint8_t kMaxPayloadType = 0x7f;

void check_writable(std::span<uint8_t> packet) {
  if (packet.size() < kRtpHeaderSize) {
    throw std::invalid_argument("rtp: " + std::to_string(packet.size()) + " bytes is no room for a header");
  }
}

void check_payload_type(uint8_t payload_type) {
  if (payload_type > kMaxPayloadType) {
    throw std::invalid_argument("rtp: payload type " + std::to_string(payload_type) + " over 127");
  }
}

void put_u16(std::span<uint8_t> out, size_t at, uint16_t value) {
  out[at] = static_cast<uint8_t>(value >> 8);
  out[at + 1] = static_cast<uint8_t>(value);
}

void put_u32(std::span<uint8_t> out, size_t at, uint32_t value) {
  for (size_t i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}

}  // namespace

void write_rtp_header(const RtpHeader& header, std::span<uint8_t> out) {
  check_writable(out);
  check_payload_type(header.payload_type);
  out[0] = static_cast<uint8_t>(kRtpVersion << 6);
  out[1] = static_cast<uint8_t>((header.marker ? kMarkerBit : 0) | header.payload_type);
  put_u16(out, kSequenceOffset, header.sequence);
  put_u32(out, kTimestampOffset, header.timestamp);
  put_u32(out, kSsrcOffset, header.ssrc);
}

void set_sequence(std::span<uint8_t> packet, uint16_t sequence) {
  check_writable(packet);
  put_u16(packet, kSequenceOffset, sequence);
}

void set_ssrc(std::span<uint8_t> packet, uint32_t ssrc) {
  check_writable(packet);
  put_u32(packet, kSsrcOffset, ssrc);
}

void set_payload_type(std::span<uint8_t> packet, uint8_t payload_type) {
  check_writable(packet);
  check_payload_type(payload_type);
  packet[1] = static_cast<uint8_t>((packet[1] & kMarkerBit) | payload_type);
}

Result<RtpPacket> parse_rtp(std::span<const uint8_t> packet) {
  if (packet.size() < kRtpHeaderSize) {
    return fail(Errc::truncated, "rtp: " + std::to_string(packet.size()) + " bytes, a header needs 12");
  }
  ByteReader reader(packet);
  const uint8_t first = *reader.u8();
  const uint8_t second = *reader.u8();
  if (first >> 6 != kRtpVersion) {
    return fail(Errc::malformed, "rtp: version " + std::to_string(first >> 6));
  }
  const bool padding = (first & 0x20) != 0;
  const bool extension = (first & 0x10) != 0;

  RtpPacket out;
  out.header.marker = (second & kMarkerBit) != 0;
  out.header.payload_type = second & kMaxPayloadType;
  out.header.sequence = *reader.u16be();
  out.header.timestamp = *reader.u32be();
  out.header.ssrc = *reader.u32be();
  out.csrc_count = first & 0x0f;
  if (reader.remaining() < 4u * out.csrc_count) {
    return fail(Errc::truncated, "rtp: " + std::to_string(out.csrc_count) + " CSRCs in " +
                                     std::to_string(packet.size()) + " bytes");
  }
  for (size_t i = 0; i < out.csrc_count; ++i) out.csrcs[i] = *reader.u32be();

  if (extension) {
    // RFC 3550 5.3.1: the length counts 32-bit words after the 4-byte extension header.
    const auto profile = reader.u16be();
    const auto words = reader.u16be();
    if (!profile || !words) return fail(Errc::truncated, "rtp: extension header cut short");
    const auto data = reader.bytes(4u * *words);
    if (!data) {
      return fail(Errc::truncated, "rtp: extension of " + std::to_string(*words) + " words with " +
                                       std::to_string(reader.remaining()) + " bytes left");
    }
    out.extension = RtpExtension{*profile, *data};
  }

  std::span<const uint8_t> rest = reader.rest();
  if (padding) {
    // RFC 3550 5.1: the last byte counts the padding, itself included, so it is at least 1.
    if (rest.empty()) return fail(Errc::truncated, "rtp: padding bit set with no payload");
    const uint8_t count = rest.back();
    if (count == 0 || count > rest.size()) {
      return fail(Errc::malformed, "rtp: padding of " + std::to_string(count) + " bytes in a payload of " +
                                       std::to_string(rest.size()));
    }
    out.padding_size = count;
    rest = rest.first(rest.size() - count);
  }
  out.payload = rest;
  return out;
}

}  // namespace liverelay::rtp
