// Unit tests for STUN parsing and integrity: RFC 5769's vectors, then truncated, mislabelled and
// tampered datagrams.
#include "protocol/webrtc/stun_message.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "protocol/core/byte_reader.hpp"
#include "protocol/webrtc/crc32.hpp"
#include "protocol/webrtc/stun_address.hpp"
#include "protocol/webrtc/stun_integrity.hpp"
#include "rfc5769_vectors.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

namespace {

std::string text(std::span<const uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// Rewrites the FINGERPRINT value (its attribute starts `from_end` bytes before the end) so that
// only what the test changed is wrong.
void refresh_fingerprint(std::vector<uint8_t>& message, size_t from_end = 8) {
  const size_t at = message.size() - from_end;
  const uint32_t value = crc32(std::span<const uint8_t>(message).first(at)) ^ kStunFingerprintXor;
  for (size_t i = 0; i < 4; ++i) message[at + 4 + i] = static_cast<uint8_t>(value >> (24 - 8 * i));
}

}  // namespace

TEST_CASE("crc32 gives the catalogue check value of 123456789") {
  const std::string input = "123456789";
  CHECK(crc32(std::span(reinterpret_cast<const uint8_t*>(input.data()), input.size())) == 0xCBF43926u);
}

TEST_CASE("stun message types interleave method and class bits as RFC 8489 5 shows") {
  CHECK(stun_message_type(kStunBindingMethod, StunClass::request) == 0x0001);
  CHECK(stun_message_type(kStunBindingMethod, StunClass::indication) == 0x0011);
  CHECK(stun_message_type(kStunBindingMethod, StunClass::success_response) == 0x0101);
  CHECK(stun_message_type(kStunBindingMethod, StunClass::error_response) == 0x0111);
  CHECK(stun_message_type(0xFFF, StunClass::error_response) == 0x3FFF);
}

TEST_CASE("stun parses the RFC 5769 sample request with its ICE attributes") {
  const auto message = parse_stun_message(rfc5769_request());
  REQUIRE(message);
  CHECK(message->method() == kStunBindingMethod);
  CHECK(message->message_class() == StunClass::request);
  CHECK(message->transaction_id() == kRfc5769TransactionId);
  CHECK(stun_username(*message) == "evtj:h6vY");
  CHECK(text(*message->attribute(stun_attr::kSoftware)) == "STUN test client");
  CHECK(ByteReader(*message->attribute(stun_attr::kPriority)).u32be() == 0x6e0001ffu);
  CHECK(ByteReader(*message->attribute(stun_attr::kIceControlled)).u64be() == 0x932ff9b151263b36u);
  CHECK_FALSE(message->has(stun_attr::kUseCandidate));
  CHECK(message->integrity_offset() == std::optional<size_t>(20 + 20 + 8 + 12 + 16));
  CHECK(message->has_fingerprint());
  CHECK(message->unknown_required().empty());
}

TEST_CASE("stun MESSAGE-INTEGRITY of the RFC 5769 vectors verifies with the password and only with it") {
  for (const auto& bytes : {rfc5769_request(), rfc5769_ipv4_response(), rfc5769_ipv6_response()}) {
    const auto message = parse_stun_message(bytes);
    REQUIRE(message);
    CHECK(verify_message_integrity(*message, kRfc5769Password));
    CHECK_FALSE(verify_message_integrity(*message, "VOkJxbRl1RmTxUk/WvJxBT"));
    CHECK_FALSE(verify_message_integrity(*message, ""));
  }
}

TEST_CASE("stun decodes the RFC 5769 XOR-MAPPED-ADDRESS for IPv4 and IPv6") {
  const auto v4 = parse_stun_message(rfc5769_ipv4_response());
  REQUIRE(v4);
  CHECK(v4->message_class() == StunClass::success_response);
  CHECK(text(*v4->attribute(stun_attr::kSoftware)) == "test vector");
  const auto address4 = read_xor_address(*v4->attribute(stun_attr::kXorMappedAddress), v4->transaction_id());
  REQUIRE(address4);
  CHECK(*address4 == TransportAddress::v4({192, 0, 2, 1}, 32853));

  const auto v6 = parse_stun_message(rfc5769_ipv6_response());
  REQUIRE(v6);
  const auto address6 = read_xor_address(*v6->attribute(stun_attr::kXorMappedAddress), v6->transaction_id());
  REQUIRE(address6);
  CHECK(*address6 == TransportAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11, 0x22,
                                           0x33, 0x44, 0x55, 0x66, 0x77},
                                          32853));
}

TEST_CASE("stun refuses every truncation of a valid message") {
  const auto whole = rfc5769_request();
  for (size_t size = 0; size < whole.size(); ++size) {
    INFO("first " << size << " bytes");
    const auto message = parse_stun_message(std::span(whole).first(size));
    REQUIRE_FALSE(message);
    CHECK((message.error().code == Errc::truncated || message.error().code == Errc::malformed));
  }
}

TEST_CASE("stun refuses a header that is not STUN's") {
  auto bytes = rfc5769_request();
  SECTION("first two bits set (RTP and DTLS live there)") {
    bytes[0] |= 0x80;
    CHECK(parse_stun_message(bytes).error().message == "stun: first two bits are not zero");
  }
  SECTION("no magic cookie") {
    bytes[4] = 0x00;
    CHECK(parse_stun_message(bytes).error().message == "stun: no magic cookie (RFC 3489 or not STUN)");
  }
  SECTION("length not a multiple of 4") {
    bytes[3] = 0x57;
    CHECK(parse_stun_message(bytes).error().message == "stun: length 87 is not a multiple of 4");
  }
  SECTION("length past the datagram") {
    bytes[3] = 0x5c;
    const auto message = parse_stun_message(bytes);
    CHECK(message.error().code == Errc::truncated);
    CHECK(message.error().message == "stun: length 92 runs past the datagram");
  }
  SECTION("bytes after the declared length") {
    bytes.insert(bytes.end(), {0, 0, 0, 0});
    CHECK(parse_stun_message(bytes).error().message == "stun: 4 bytes after the message");
  }
}

TEST_CASE("stun refuses an attribute whose length runs past the message") {
  auto bytes = rfc5769_request();
  bytes[20 + 3] = 0xF0;  // SOFTWARE claims 240 bytes
  const auto message = parse_stun_message(bytes);
  REQUIRE_FALSE(message);
  CHECK(message.error().code == Errc::truncated);
  CHECK(message.error().message == "stun: attribute 0x8022: length 240 runs past the message");
}

TEST_CASE("stun refuses a wrong FINGERPRINT, whatever byte was changed") {
  auto bytes = rfc5769_request();
  SECTION("in the body") {
    bytes[30] ^= 0x01;
  }
  SECTION("in the fingerprint") {
    bytes.back() ^= 0x01;
  }
  const auto message = parse_stun_message(bytes);
  REQUIRE_FALSE(message);
  CHECK(message.error().message == "stun: FINGERPRINT does not match");
}

TEST_CASE("stun MESSAGE-INTEGRITY fails when a covered byte changed under a good FINGERPRINT") {
  auto bytes = rfc5769_request();
  bytes[20 + 4] = 'X';  // SOFTWARE "XTUN test client"
  refresh_fingerprint(bytes);
  const auto message = parse_stun_message(bytes);
  REQUIRE(message);
  CHECK_FALSE(verify_message_integrity(*message, kRfc5769Password));
}

TEST_CASE("stun refuses MESSAGE-INTEGRITY and FINGERPRINT of the wrong size or place") {
  SECTION("MESSAGE-INTEGRITY of 16 bytes") {
    auto bytes =
        from_hex("00 01 00 14 21 12 a4 42 000000000000000000000000 00 08 00 10" + std::string(32, '0'));
    CHECK(parse_stun_message(bytes).error().message == "stun: MESSAGE-INTEGRITY is not 20 bytes");
  }
  SECTION("FINGERPRINT of 8 bytes") {
    auto bytes = from_hex("00 01 00 0c 21 12 a4 42 000000000000000000000000 80 28 00 08 0000000000000000");
    CHECK(parse_stun_message(bytes).error().message == "stun: FINGERPRINT is not 4 bytes");
  }
  SECTION("an attribute after FINGERPRINT") {
    auto bytes = rfc5769_request();
    bytes.insert(bytes.end(), {0x00, 0x25, 0x00, 0x00});  // USE-CANDIDATE
    bytes[3] = static_cast<uint8_t>(bytes[3] + 4);
    refresh_fingerprint(bytes, 12);
    CHECK(parse_stun_message(bytes).error().message == "stun: attribute after FINGERPRINT");
  }
}

TEST_CASE("stun ignores attributes after MESSAGE-INTEGRITY except FINGERPRINT") {
  auto bytes = rfc5769_request();
  // USE-CANDIDATE slipped in between MESSAGE-INTEGRITY and FINGERPRINT: not authenticated.
  bytes.insert(bytes.end() - 8, {0x00, 0x25, 0x00, 0x00});
  bytes[3] = static_cast<uint8_t>(bytes[3] + 4);
  refresh_fingerprint(bytes);
  const auto message = parse_stun_message(bytes);
  REQUIRE(message);
  CHECK_FALSE(message->has(stun_attr::kUseCandidate));
  CHECK(message->has_fingerprint());
  CHECK(verify_message_integrity(*message, kRfc5769Password));
}

TEST_CASE("stun lists unknown comprehension-required attributes once, and not optional ones") {
  const auto bytes = from_hex(
      "00 01 00 18 21 12 a4 42 000000000000000000000000"
      "7f 00 00 00  c0 01 00 00  7f 00 00 01 ff 00 00 00  00 06 00 04 61 3a 62 63");
  const auto message = parse_stun_message(bytes);
  REQUIRE(message);
  CHECK(message->unknown_required() == std::vector<uint16_t>{0x7f00});
  CHECK(stun_username(*message) == "a:bc");
  CHECK_FALSE(message->has_fingerprint());
  CHECK_FALSE(message->integrity_offset());
}

TEST_CASE("stun refuses more attributes than its bound") {
  std::vector<uint8_t> bytes = from_hex("00 01 00 00 21 12 a4 42 000000000000000000000000");
  for (size_t i = 0; i <= kStunMaxAttributes; ++i) bytes.insert(bytes.end(), {0x80, 0x22, 0x00, 0x00});
  const size_t length = bytes.size() - kStunHeaderSize;
  bytes[2] = static_cast<uint8_t>(length >> 8);
  bytes[3] = static_cast<uint8_t>(length);
  const auto message = parse_stun_message(bytes);
  REQUIRE_FALSE(message);
  CHECK(message.error().code == Errc::over_limit);
}

TEST_CASE("stun XOR-MAPPED-ADDRESS refuses unknown families and wrong sizes") {
  const TransactionId id{};
  CHECK(read_xor_address(from_hex("00 03 00 00 00000000"), id).error().message ==
        "XOR-MAPPED-ADDRESS: unknown family 3");
  CHECK(read_xor_address(from_hex("00 01 00 00 0000000000"), id).error().message ==
        "XOR-MAPPED-ADDRESS: 9 bytes for its family");
  CHECK(read_xor_address(from_hex("00 02 00 00 00000000"), id).error().code == Errc::malformed);
  CHECK(read_xor_address(from_hex("00 01 00"), id).error().code == Errc::truncated);
}
