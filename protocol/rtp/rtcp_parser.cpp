// Incoming RTCP compound packets (RFC 3550 6, RFC 4585 6, RFC 5104 4.3), bounds-checked.
#include "protocol/rtp/rtcp_parser.hpp"

#include <string>

#include "protocol/core/byte_reader.hpp"

namespace liverelay::rtp {

namespace {

constexpr uint8_t kVersion = 2;
constexpr size_t kHeaderSize = 4;
constexpr size_t kReportBlockSize = 24;  // RFC 3550 6.4.1
constexpr size_t kSenderInfoSize = 20;   // NTP (8), RTP timestamp, packet and octet counts
constexpr size_t kFeedbackSsrcs = 8;     // RFC 4585 6.1: sender SSRC, media source SSRC
constexpr size_t kNackEntrySize = 4;     // PID, BLP
constexpr size_t kFirEntrySize = 8;      // SSRC, sequence number, 3 reserved bytes

// The fields of one packet, after its 4-byte header, padding removed.
struct Body {
  uint8_t count = 0;  // RC / SC / FMT
  uint8_t type = 0;
  std::span<const uint8_t> bytes;
};

Error short_body(const Body& body, size_t needed, const std::string& what) {
  return Error{Errc::malformed, what + " needs " + std::to_string(needed) + " bytes, the packet has " +
                                    std::to_string(body.bytes.size())};
}

// Only called after the caller checked the block fits.
ReportBlock read_report_block(ByteReader& reader) {
  ReportBlock block;
  block.ssrc = *reader.u32be();
  block.fraction_lost = *reader.u8();
  const uint32_t lost = *reader.u24be();
  block.cumulative_lost =
      (lost & 0x800000u) ? static_cast<int32_t>(lost) - 0x1000000 : static_cast<int32_t>(lost);
  block.highest_sequence = *reader.u32be();
  block.jitter = *reader.u32be();
  block.last_sr = *reader.u32be();
  block.delay_since_last_sr = *reader.u32be();
  return block;
}

std::vector<ReportBlock> read_report_blocks(ByteReader& reader, uint8_t count) {
  std::vector<ReportBlock> blocks;
  blocks.reserve(count);
  for (uint8_t i = 0; i < count; ++i) blocks.push_back(read_report_block(reader));
  return blocks;
}

Result<RtcpPacket> parse_sender_report(const Body& body) {
  const size_t needed = 4 + kSenderInfoSize + kReportBlockSize * body.count;
  if (body.bytes.size() < needed) return tl::unexpected(short_body(body, needed, "sender report"));
  ByteReader reader(body.bytes);
  SenderReport report;
  report.ssrc = *reader.u32be();
  report.ntp.seconds = *reader.u32be();
  report.ntp.fraction = *reader.u32be();
  report.rtp_timestamp = *reader.u32be();
  report.packet_count = *reader.u32be();
  report.octet_count = *reader.u32be();
  report.blocks = read_report_blocks(reader, body.count);
  return report;
}

Result<RtcpPacket> parse_receiver_report(const Body& body) {
  const size_t needed = 4 + kReportBlockSize * body.count;
  if (body.bytes.size() < needed) return tl::unexpected(short_body(body, needed, "receiver report"));
  ByteReader reader(body.bytes);
  ReceiverReport report;
  report.ssrc = *reader.u32be();
  report.blocks = read_report_blocks(reader, body.count);
  return report;
}

Result<RtcpPacket> parse_bye(const Body& body) {
  const size_t needed = 4u * body.count;
  if (body.bytes.size() < needed) return tl::unexpected(short_body(body, needed, "BYE"));
  ByteReader reader(body.bytes);
  Bye bye;
  for (uint8_t i = 0; i < body.count; ++i) bye.ssrcs.push_back(*reader.u32be());
  // RFC 3550 6.6: an optional reason, a length byte then that much text.
  if (const auto length = reader.u8(); length && !reader.skip(*length)) {
    return fail(Errc::malformed, "BYE reason of " + std::to_string(*length) + " bytes with " +
                                     std::to_string(reader.remaining()) + " left");
  }
  return bye;
}

// RFC 4585 6.2.1: PID is lost, and PID + i + 1 for each bit i of BLP (bit 0 the least
// significant), all modulo 2^16.
Result<RtcpPacket> parse_nack(ByteReader& reader, GenericNack nack) {
  if (reader.empty() || reader.remaining() % kNackEntrySize != 0) {
    return fail(Errc::malformed, "generic NACK with " + std::to_string(reader.remaining()) +
                                     " bytes of FCI, not a positive multiple of 4");
  }
  while (!reader.empty()) {
    const uint16_t pid = *reader.u16be();
    const uint16_t blp = *reader.u16be();
    nack.lost.push_back(pid);
    for (int bit = 0; bit < 16; ++bit) {
      if (blp & (1u << bit)) nack.lost.push_back(static_cast<uint16_t>(pid + bit + 1));
    }
  }
  return nack;
}

// RFC 5104 4.3.1.1: the media source SSRC is unused (0); the targets are in the FCI entries.
Result<RtcpPacket> parse_fir(ByteReader& reader, uint32_t sender_ssrc) {
  if (reader.empty() || reader.remaining() % kFirEntrySize != 0) {
    return fail(Errc::malformed, "FIR with " + std::to_string(reader.remaining()) +
                                     " bytes of FCI, not a positive multiple of 8");
  }
  FullIntraRequest fir{sender_ssrc, {}};
  while (!reader.empty()) {
    const uint32_t ssrc = *reader.u32be();
    const uint8_t sequence = *reader.u8();
    reader.skip(3);  // reserved
    fir.entries.push_back(FirEntry{ssrc, sequence});
  }
  return fir;
}

Result<RtcpPacket> parse_feedback(const Body& body) {
  if (body.bytes.size() < kFeedbackSsrcs) return tl::unexpected(short_body(body, kFeedbackSsrcs, "feedback"));
  ByteReader reader(body.bytes);
  const uint32_t sender_ssrc = *reader.u32be();
  const uint32_t media_ssrc = *reader.u32be();
  if (body.type == kRtcpTransportFeedback && body.count == kFmtGenericNack) {
    return parse_nack(reader, GenericNack{sender_ssrc, media_ssrc, {}});
  }
  if (body.type == kRtcpPayloadFeedback && body.count == kFmtPictureLoss) {
    // RFC 4585 6.3.1 wants no FCI; one that comes anyway is left unread rather than refused.
    return PictureLossIndication{sender_ssrc, media_ssrc};
  }
  if (body.type == kRtcpPayloadFeedback && body.count == kFmtFullIntraRequest) {
    return parse_fir(reader, sender_ssrc);
  }
  return IgnoredRtcp{body.type, body.count};  // REMB, transport-cc, TMMBR, SLI, ...
}

Result<RtcpPacket> parse_body(const Body& body) {
  switch (body.type) {
    case kRtcpSenderReport:
      return parse_sender_report(body);
    case kRtcpReceiverReport:
      return parse_receiver_report(body);
    case kRtcpBye:
      return parse_bye(body);
    case kRtcpTransportFeedback:
    case kRtcpPayloadFeedback:
      return parse_feedback(body);
    default:
      return IgnoredRtcp{body.type, body.count};  // SDES, APP, XR, unknown
  }
}

// RFC 3550 6.4.1: V=2, P, count, type, then the length in 32-bit words minus one.
Result<Body> split_packet(std::span<const uint8_t>& rest) {
  if (rest.size() < kHeaderSize) {
    return fail(Errc::truncated, "header needs 4 bytes, " + std::to_string(rest.size()) + " left");
  }
  if (rest[0] >> 6 != kVersion) return fail(Errc::malformed, "version " + std::to_string(rest[0] >> 6));
  const bool padding = (rest[0] & 0x20) != 0;
  Body body{static_cast<uint8_t>(rest[0] & 0x1f), rest[1], {}};
  const size_t size = (static_cast<size_t>((rest[2] << 8) | rest[3]) + 1) * 4;
  if (size > rest.size()) {
    return fail(Errc::truncated,
                "length says " + std::to_string(size) + " bytes, " + std::to_string(rest.size()) + " left");
  }
  body.bytes = rest.subspan(kHeaderSize, size - kHeaderSize);
  rest = rest.subspan(size);
  if (padding) {
    // RFC 3550 6.4.1: the last byte counts the padding, itself included.
    const uint8_t count = body.bytes.empty() ? 0 : body.bytes.back();
    if (count == 0 || count > body.bytes.size()) {
      return fail(Errc::malformed, "padding of " + std::to_string(count) + " bytes in a body of " +
                                       std::to_string(body.bytes.size()));
    }
    body.bytes = body.bytes.first(body.bytes.size() - count);
  }
  return body;
}

}  // namespace

Result<std::vector<RtcpPacket>> parse_rtcp(std::span<const uint8_t> compound) {
  if (compound.empty()) return fail(Errc::truncated, "rtcp: empty packet");
  std::vector<RtcpPacket> packets;
  std::span<const uint8_t> rest = compound;
  for (size_t index = 0; !rest.empty(); ++index) {
    const std::string where = "rtcp: packet " + std::to_string(index);
    auto body = split_packet(rest);
    if (!body) return tl::unexpected(std::move(body).error().context(where));
    auto packet = parse_body(*body);
    if (!packet) {
      return tl::unexpected(
          std::move(packet).error().context(where + " (type " + std::to_string(body->type) + ")"));
    }
    packets.push_back(std::move(*packet));
  }
  return packets;
}

bool is_rtcp(std::span<const uint8_t> packet) {
  return packet.size() >= 2 && packet[1] >= 192 && packet[1] <= 223;
}

}  // namespace liverelay::rtp
