// Unit tests for STUN building: RFC 5769's three messages rebuilt byte for byte, and the
// attribute encodings a lite agent sends.
#include "protocol/webrtc/stun_writer.hpp"

#include <catch2/catch.hpp>

#include "protocol/webrtc/stun_integrity.hpp"
#include "rfc5769_vectors.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

namespace {

constexpr uint8_t kSpace = 0x20;  // RFC 5769's padding

std::vector<uint8_t> rfc5769_response(const TransportAddress& mapped) {
  StunWriter writer(kStunBindingMethod, StunClass::success_response, kRfc5769TransactionId);
  writer.add_text(stun_attr::kSoftware, "test vector", kSpace);
  writer.add_xor_mapped_address(mapped);
  auto bytes = std::move(writer).finish(kRfc5769Password);
  REQUIRE(bytes);
  return *bytes;
}

}  // namespace

TEST_CASE("stun writer rebuilds the RFC 5769 sample request byte for byte") {
  StunWriter writer(kStunBindingMethod, StunClass::request, kRfc5769TransactionId);
  writer.add_text(stun_attr::kSoftware, "STUN test client");
  writer.add_u32(stun_attr::kPriority, 0x6e0001ff);
  writer.add_u64(stun_attr::kIceControlled, 0x932ff9b151263b36);
  writer.add_text(stun_attr::kUsername, "evtj:h6vY", kSpace);
  const auto bytes = std::move(writer).finish(kRfc5769Password);
  REQUIRE(bytes);
  CHECK(*bytes == rfc5769_request());
}

TEST_CASE("stun writer rebuilds the RFC 5769 IPv4 response byte for byte") {
  CHECK(rfc5769_response(TransportAddress::v4({192, 0, 2, 1}, 32853)) == rfc5769_ipv4_response());
}

TEST_CASE("stun writer rebuilds the RFC 5769 IPv6 response byte for byte") {
  const auto mapped = TransportAddress::v6(
      {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77},
      32853);
  CHECK(rfc5769_response(mapped) == rfc5769_ipv6_response());
}

TEST_CASE("stun writer pads with zeros and keeps the header length current") {
  StunWriter writer(kStunBindingMethod, StunClass::indication, TransactionId{});
  writer.add_text(stun_attr::kSoftware, "abcde");
  auto bytes = std::move(writer).finish("");
  REQUIRE(bytes);
  // header, SOFTWARE (4 + 5 + 3 zero bytes), FINGERPRINT (8); no MESSAGE-INTEGRITY without a password
  REQUIRE(bytes->size() == 20 + 12 + 8);
  CHECK((*bytes)[2] == 0);
  CHECK((*bytes)[3] == 20);
  CHECK(std::vector<uint8_t>(bytes->begin() + 29, bytes->begin() + 32) == std::vector<uint8_t>{0, 0, 0});
  const auto message = parse_stun_message(*bytes);
  REQUIRE(message);
  CHECK(message->message_class() == StunClass::indication);
  CHECK(message->has_fingerprint());
  CHECK_FALSE(message->integrity_offset());
}

TEST_CASE("stun writer encodes ERROR-CODE as class and number (RFC 8489 14.8)") {
  StunWriter writer(kStunBindingMethod, StunClass::error_response, kRfc5769TransactionId);
  writer.add_error_code(487, "Role Conflict");
  const std::vector<uint16_t> unknown = {0x7f00, 0x0003};
  writer.add_unknown_attributes(unknown);
  auto bytes = std::move(writer).finish("pwd");
  REQUIRE(bytes);
  const auto message = parse_stun_message(*bytes);
  REQUIRE(message);
  CHECK(message->message_class() == StunClass::error_response);
  const auto error = *message->attribute(stun_attr::kErrorCode);
  REQUIRE(error.size() == 4 + 13);
  CHECK(error[2] == 4);
  CHECK(error[3] == 87);
  CHECK(std::string(error.begin() + 4, error.end()) == "Role Conflict");
  const auto listed = *message->attribute(stun_attr::kUnknownAttributes);
  CHECK(std::vector<uint8_t>(listed.begin(), listed.end()) == std::vector<uint8_t>{0x7f, 0x00, 0x00, 0x03});
  CHECK(verify_message_integrity(*message, "pwd"));
}
