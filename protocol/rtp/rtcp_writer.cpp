// Outgoing RTCP: the SR + SDES CNAME compound (RFC 3550 6.4.1, 6.5.1).
#include "protocol/rtp/rtcp_writer.hpp"

#include <stdexcept>
#include <string>

#include "protocol/core/byte_writer.hpp"
#include "protocol/rtp/rtcp_packets.hpp"

namespace liverelay::rtp {

namespace {

constexpr uint8_t kVersionBits = 2 << 6;
constexpr uint8_t kSdesCname = 1;  // RFC 3550 6.5.1
constexpr size_t kMaxItemLength = 255;

// RFC 3550 6.4.1: the length field is the packet's size in 32-bit words minus one.
uint16_t length_field(size_t packet_size) {
  return static_cast<uint16_t>(packet_size / 4 - 1);
}

void write_sr(const SenderInfo& info, ByteWriter& writer) {
  constexpr size_t kSize = 4 + 4 + 20;
  writer.u8(kVersionBits);  // RC = 0
  writer.u8(kRtcpSenderReport);
  writer.u16be(length_field(kSize));
  writer.u32be(info.ssrc);
  writer.u32be(info.ntp.seconds);
  writer.u32be(info.ntp.fraction);
  writer.u32be(info.rtp_timestamp);
  writer.u32be(info.packet_count);
  writer.u32be(info.octet_count);
}

// RFC 3550 6.5: one chunk (SSRC, items), the item list ended by at least one null byte and padded
// with nulls to a 32-bit boundary.
void write_sdes(uint32_t ssrc, std::string_view cname, ByteWriter& writer) {
  const size_t items = 2 + cname.size();
  const size_t nulls = 4 - items % 4;  // 1..4: always at least the terminating one
  const size_t size = 4 + 4 + items + nulls;
  writer.u8(kVersionBits | 1);  // SC = 1
  writer.u8(kRtcpSourceDescription);
  writer.u16be(length_field(size));
  writer.u32be(ssrc);
  writer.u8(kSdesCname);
  writer.u8(static_cast<uint8_t>(cname.size()));
  writer.text(cname);
  for (size_t i = 0; i < nulls; ++i) writer.u8(0);
}

}  // namespace

void write_sender_report(const SenderInfo& info, std::string_view cname, std::vector<uint8_t>& out) {
  if (cname.empty() || cname.size() > kMaxItemLength) {
    throw std::invalid_argument("rtcp: CNAME of " + std::to_string(cname.size()) + " bytes outside 1..255");
  }
  ByteWriter writer(out);
  write_sr(info, writer);
  write_sdes(info.ssrc, cname, writer);
}

}  // namespace liverelay::rtp
