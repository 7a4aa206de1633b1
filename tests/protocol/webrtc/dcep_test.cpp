// Unit tests for DCEP (RFC 8832): the OPEN a browser sends for createDataChannel("room"), every
// truncation of it, refused variants, the ACK, and the PPIDs of RFC 8831.
#include "protocol/webrtc/dcep.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace liverelay;
using namespace liverelay::webrtc;

namespace {

// What Chromium sends for pc.createDataChannel("room"): reliable, ordered, priority 256
// (RFC 8832 5.1 "normal"), label "room", no protocol.
const std::vector<uint8_t> kRoomOpen = {
    0x03,                    // DATA_CHANNEL_OPEN
    0x00,                    // DATA_CHANNEL_RELIABLE
    0x01, 0x00,              // priority 256
    0x00, 0x00, 0x00, 0x00,  // reliability parameter
    0x00, 0x04,              // label length
    0x00, 0x00,              // protocol length
    'r',  'o',  'o',  'm',
};

// createDataChannel("chat", {ordered: false, maxRetransmits: 3, protocol: "json"}) with
// priority 512 ("high").
const std::vector<uint8_t> kUnorderedRexmitOpen = {
    0x03, 0x81, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x04,
    0x00, 0x04, 'c',  'h',  'a',  't',  'j',  's',  'o',  'n',
};

DataChannelOpen open_of(const Result<DcepMessage>& message) {
  REQUIRE(message);
  REQUIRE(std::holds_alternative<DataChannelOpen>(*message));
  return std::get<DataChannelOpen>(*message);
}

}  // namespace

TEST_CASE("dcep parses the DATA_CHANNEL_OPEN a browser sends for the room channel") {
  const auto open = open_of(parse_dcep_message(kRoomOpen));
  CHECK(open.channel_type == DcepChannelType::reliable);
  CHECK(is_ordered(open.channel_type));
  CHECK(is_reliable(open.channel_type));
  CHECK(open.priority == 256);
  CHECK(open.reliability_parameter == 0);
  CHECK(open.label == "room");
  CHECK(open.protocol.empty());
}

TEST_CASE("dcep parses an unordered channel limited to 3 retransmissions with a protocol") {
  const auto open = open_of(parse_dcep_message(kUnorderedRexmitOpen));
  CHECK(open.channel_type == DcepChannelType::partial_reliable_rexmit_unordered);
  CHECK_FALSE(is_ordered(open.channel_type));
  CHECK_FALSE(is_reliable(open.channel_type));
  CHECK(open.priority == 512);
  CHECK(open.reliability_parameter == 3);
  CHECK(open.label == "chat");
  CHECK(open.protocol == "json");
}

TEST_CASE("dcep reads every channel type of RFC 8832 5.1 and refuses others") {
  for (const uint8_t type : {0x00, 0x80, 0x01, 0x81, 0x02, 0x82}) {
    auto bytes = kRoomOpen;
    bytes[1] = type;
    CHECK(static_cast<uint8_t>(open_of(parse_dcep_message(bytes)).channel_type) == type);
  }
  for (const uint8_t type : {0x03, 0x7F, 0x83, 0xFF}) {
    auto bytes = kRoomOpen;
    bytes[1] = type;
    const auto message = parse_dcep_message(bytes);
    REQUIRE_FALSE(message);
    CHECK(message.error().code == Errc::unsupported);
    CHECK(message.error().message.find("channel type") != std::string::npos);
  }
}

TEST_CASE("dcep refuses every truncation of an OPEN without reading past it") {
  // DCEP rides in whole SCTP messages, so there is no byte-by-byte feeding: each prefix is what a
  // peer that lied about the lengths, or a cut message, would give.
  for (size_t size = 0; size < kUnorderedRexmitOpen.size(); ++size) {
    // A copy of exactly `size` bytes, so that ASan catches any read past the end.
    const std::vector<uint8_t> prefix(kUnorderedRexmitOpen.begin(),
                                      kUnorderedRexmitOpen.begin() + static_cast<std::ptrdiff_t>(size));
    const auto message = parse_dcep_message(prefix);
    INFO("prefix of " << size << " bytes");
    REQUIRE_FALSE(message);
    CHECK(message.error().code == Errc::truncated);
  }
}

TEST_CASE("dcep refuses label and protocol lengths that point past the message") {
  auto bytes = kRoomOpen;
  bytes[9] = 0x05;  // label length 5, but 4 bytes follow
  auto message = parse_dcep_message(bytes);
  REQUIRE_FALSE(message);
  CHECK(message.error().code == Errc::truncated);
  CHECK(message.error().message ==
        "DATA_CHANNEL_OPEN: label 5 and protocol 0 bytes, but only 4 follow the header");

  bytes = kRoomOpen;
  bytes[8] = bytes[9] = bytes[10] = bytes[11] = 0xFF;  // 2 * 65535 declared
  message = parse_dcep_message(bytes);
  REQUIRE_FALSE(message);
  CHECK(message.error().code == Errc::truncated);
}

TEST_CASE("dcep refuses bytes after the protocol of an OPEN") {
  auto bytes = kRoomOpen;
  bytes.push_back(0x00);
  const auto message = parse_dcep_message(bytes);
  REQUIRE_FALSE(message);
  CHECK(message.error().code == Errc::malformed);
  CHECK(message.error().message == "DATA_CHANNEL_OPEN: 1 bytes after the protocol");
}

TEST_CASE("dcep parses the one-byte ACK and refuses a longer one") {
  const auto ack = parse_dcep_message(std::vector<uint8_t>{0x02});
  REQUIRE(ack);
  CHECK(std::holds_alternative<DataChannelAck>(*ack));

  const auto longer = parse_dcep_message(std::vector<uint8_t>{0x02, 0x00});
  REQUIRE_FALSE(longer);
  CHECK(longer.error().code == Errc::malformed);
}

TEST_CASE("dcep refuses an empty message and unknown message types") {
  const auto empty = parse_dcep_message({});
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == Errc::truncated);
  for (const uint8_t type : {0x00, 0x01, 0x04, 0xFF}) {
    const auto message = parse_dcep_message(std::vector<uint8_t>{type, 0x00, 0x00});
    REQUIRE_FALSE(message);
    CHECK(message.error().code == Errc::unsupported);
  }
  CHECK(parse_dcep_message(std::vector<uint8_t>{0x04}).error().message == "DCEP message: unknown type 0x04");
}

TEST_CASE("dcep builds the browser's OPEN byte for byte and an ACK of one byte") {
  DataChannelOpen open;
  open.label = "room";
  const auto bytes = build_data_channel_open(open);
  REQUIRE(bytes);
  CHECK(*bytes == kRoomOpen);
  CHECK(build_data_channel_ack() == std::vector<uint8_t>{0x02});
}

TEST_CASE("dcep OPEN survives a build and parse round trip") {
  DataChannelOpen open;
  open.channel_type = DcepChannelType::partial_reliable_timed_unordered;
  open.priority = 1024;
  open.reliability_parameter = 1500;
  open.label = std::string(300, 'x') + "\xC3\xA9";
  open.protocol = "room.v1";
  const auto bytes = build_data_channel_open(open);
  REQUIRE(bytes);
  CHECK(bytes->size() == kDcepOpenHeaderSize + open.label.size() + open.protocol.size());
  CHECK(open_of(parse_dcep_message(*bytes)) == open);
}

TEST_CASE("dcep refuses to build an OPEN whose label does not fit a 16-bit length") {
  DataChannelOpen open;
  open.label = std::string(65536, 'a');
  const auto bytes = build_data_channel_open(open);
  REQUIRE_FALSE(bytes);
  CHECK(bytes.error().code == Errc::over_limit);
  open.label = std::string(65535, 'a');
  CHECK(build_data_channel_open(open));
}

TEST_CASE("dcep payload kinds follow the PPIDs of RFC 8831 8") {
  CHECK(payload_kind(50) == PayloadKind::dcep);
  CHECK(payload_kind(51) == PayloadKind::string);
  CHECK(payload_kind(53) == PayloadKind::binary);
  CHECK(payload_kind(56) == PayloadKind::string_empty);
  CHECK(payload_kind(57) == PayloadKind::binary_empty);
  // 52 and 54 are the deprecated partial forms; 0 is "unspecified".
  CHECK_FALSE(payload_kind(52));
  CHECK_FALSE(payload_kind(54));
  CHECK_FALSE(payload_kind(0));
}

TEST_CASE("dcep sends an empty message as one zero byte with the empty PPID") {
  const auto empty_text = outgoing_payload({}, false);
  CHECK(empty_text.ppid == kPpidStringEmpty);
  REQUIRE(empty_text.bytes.size() == 1);
  CHECK(empty_text.bytes[0] == 0);
  CHECK(outgoing_payload({}, true).ppid == kPpidBinaryEmpty);

  const std::vector<uint8_t> hello = {'h', 'i'};
  const auto text = outgoing_payload(hello, false);
  CHECK(text.ppid == kPpidString);
  CHECK(text.bytes.data() == hello.data());
  CHECK(text.bytes.size() == 2);
  CHECK(outgoing_payload(hello, true).ppid == kPpidBinary);
}
