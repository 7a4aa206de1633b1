// DCEP messages (RFC 8832) read and written with bounds-checked byte readers.
#include "protocol/webrtc/dcep.hpp"

#include <fmt/format.h>

#include <limits>

#include "protocol/core/byte_reader.hpp"
#include "protocol/core/byte_writer.hpp"

namespace liverelay::webrtc {

namespace {

std::optional<DcepChannelType> channel_type_from(uint8_t value) {
  switch (value) {
    case 0x00:
      return DcepChannelType::reliable;
    case 0x80:
      return DcepChannelType::reliable_unordered;
    case 0x01:
      return DcepChannelType::partial_reliable_rexmit;
    case 0x81:
      return DcepChannelType::partial_reliable_rexmit_unordered;
    case 0x02:
      return DcepChannelType::partial_reliable_timed;
    case 0x82:
      return DcepChannelType::partial_reliable_timed_unordered;
    default:
      return std::nullopt;
  }
}

std::string hex(uint8_t value) {
  return fmt::format("{:#04x}", value);
}

Result<DcepMessage> parse_open(std::span<const uint8_t> payload) {
  ByteReader in(payload);
  in.skip(1);  // the message type, already read
  const auto type = in.u8();
  const auto priority = in.u16be();
  const auto reliability = in.u32be();
  const auto label_length = in.u16be();
  const auto protocol_length = in.u16be();
  if (!type || !priority || !reliability || !label_length || !protocol_length)
    return fail(Errc::truncated, "DATA_CHANNEL_OPEN: " + std::to_string(payload.size()) +
                                     " bytes, the header alone is " + std::to_string(kDcepOpenHeaderSize));
  const auto channel_type = channel_type_from(*type);
  if (!channel_type) return fail(Errc::unsupported, "DATA_CHANNEL_OPEN: unknown channel type " + hex(*type));
  const size_t declared = size_t{*label_length} + *protocol_length;
  if (in.remaining() < declared)
    return fail(Errc::truncated, "DATA_CHANNEL_OPEN: label " + std::to_string(*label_length) +
                                     " and protocol " + std::to_string(*protocol_length) +
                                     " bytes, but only " + std::to_string(in.remaining()) +
                                     " follow the header");
  if (in.remaining() > declared)
    return fail(Errc::malformed, "DATA_CHANNEL_OPEN: " + std::to_string(in.remaining() - declared) +
                                     " bytes after the protocol");
  const auto label = *in.bytes(*label_length);
  const auto protocol = *in.bytes(*protocol_length);
  DataChannelOpen open;
  open.channel_type = *channel_type;
  open.priority = *priority;
  open.reliability_parameter = *reliability;
  open.label.assign(label.begin(), label.end());
  open.protocol.assign(protocol.begin(), protocol.end());
  return open;
}

}  // namespace

Result<DcepMessage> parse_dcep_message(std::span<const uint8_t> payload) {
  if (payload.empty()) return fail(Errc::truncated, "DCEP message: empty");
  switch (payload[0]) {
    case kDcepMessageOpen:
      return parse_open(payload);
    case kDcepMessageAck:
      // RFC 8832 5.2: the ACK is the message type alone.
      if (payload.size() != 1)
        return fail(Errc::malformed, "DATA_CHANNEL_ACK: " + std::to_string(payload.size()) + " bytes, not 1");
      return DataChannelAck{};
    default:
      return fail(Errc::unsupported, "DCEP message: unknown type " + hex(payload[0]));
  }
}

Result<std::vector<uint8_t>> build_data_channel_open(const DataChannelOpen& open) {
  constexpr size_t kMaxLength = std::numeric_limits<uint16_t>::max();
  if (open.label.size() > kMaxLength)
    return fail(Errc::over_limit,
                "DATA_CHANNEL_OPEN: label of " + std::to_string(open.label.size()) + " bytes");
  if (open.protocol.size() > kMaxLength)
    return fail(Errc::over_limit,
                "DATA_CHANNEL_OPEN: protocol of " + std::to_string(open.protocol.size()) + " bytes");
  std::vector<uint8_t> out;
  out.reserve(kDcepOpenHeaderSize + open.label.size() + open.protocol.size());
  ByteWriter w(out);
  w.u8(kDcepMessageOpen);
  w.u8(static_cast<uint8_t>(open.channel_type));
  w.u16be(open.priority);
  w.u32be(open.reliability_parameter);
  w.u16be(static_cast<uint16_t>(open.label.size()));
  w.u16be(static_cast<uint16_t>(open.protocol.size()));
  w.text(open.label);
  w.text(open.protocol);
  return out;
}

std::vector<uint8_t> build_data_channel_ack() {
  return {kDcepMessageAck};
}

std::optional<PayloadKind> payload_kind(uint32_t ppid) {
  switch (ppid) {
    case kPpidDcep:
      return PayloadKind::dcep;
    case kPpidString:
      return PayloadKind::string;
    case kPpidBinary:
      return PayloadKind::binary;
    case kPpidStringEmpty:
      return PayloadKind::string_empty;
    case kPpidBinaryEmpty:
      return PayloadKind::binary_empty;
    default:
      return std::nullopt;
  }
}

OutgoingPayload outgoing_payload(std::span<const uint8_t> message, bool binary) {
  static constexpr uint8_t kEmptyFiller[1] = {0};
  if (message.empty()) return {binary ? kPpidBinaryEmpty : kPpidStringEmpty, kEmptyFiller};
  return {binary ? kPpidBinary : kPpidString, message};
}

}  // namespace liverelay::webrtc
