// Unit tests for the ICE-lite check answers: the browser's nomination and consent checks, then
// each refusal RFC 8489 9.1.3 and RFC 8445 7.3 call for.
#include "protocol/webrtc/ice_lite.hpp"

#include <catch2/catch.hpp>

#include "protocol/core/byte_reader.hpp"
#include "protocol/webrtc/stun_address.hpp"
#include "protocol/webrtc/stun_integrity.hpp"
#include "protocol/webrtc/stun_writer.hpp"
#include "rfc5769_vectors.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

namespace {

const IceSessionCredentials kSession{"Srv8ufrg", "ServerPasswordOf32CharactersXyz0", "vGnO"};
const TransportAddress kBrowser = TransportAddress::v4({192, 0, 2, 2}, 57268);
constexpr TransactionId kId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

// The attributes a browser's check carries, each of which a test may leave out.
struct Check {
  std::string username = "Srv8ufrg:vGnO";
  std::string password = kSession.local_pwd;
  bool priority = true;
  bool use_candidate = false;
  bool controlling = true;
  bool controlled = false;
  bool fingerprint = true;
  uint16_t extra_attribute = 0;
};

StunMessage check(const Check& c) {
  StunWriter writer(kStunBindingMethod, StunClass::request, kId);
  if (!c.username.empty()) writer.add_text(stun_attr::kUsername, c.username);
  if (c.priority) writer.add_u32(stun_attr::kPriority, 1853824767);
  if (c.use_candidate) writer.add_flag(stun_attr::kUseCandidate);
  if (c.controlling) writer.add_u64(stun_attr::kIceControlling, 0x1122334455667788);
  if (c.controlled) writer.add_u64(stun_attr::kIceControlled, 0x1122334455667788);
  if (c.extra_attribute) writer.add_u32(c.extra_attribute, 0);
  auto bytes = std::move(writer).finish(c.password);
  REQUIRE(bytes);
  if (!c.fingerprint) {
    bytes->resize(bytes->size() - 8);
    (*bytes)[3] = static_cast<uint8_t>((*bytes)[3] - 8);
  }
  auto message = parse_stun_message(*bytes);
  REQUIRE(message);
  return *message;
}

StunMessage answered(const BindingReply& reply, const TransactionId& id = kId) {
  REQUIRE_FALSE(reply.response.empty());
  auto message = parse_stun_message(reply.response);
  REQUIRE(message);
  CHECK(message->transaction_id() == id);
  CHECK(message->has_fingerprint());
  return *message;
}

uint16_t error_code(const StunMessage& response) {
  REQUIRE(response.message_class() == StunClass::error_response);
  const auto value = *response.attribute(stun_attr::kErrorCode);
  return static_cast<uint16_t>(value[2] * 100 + value[3]);
}

}  // namespace

TEST_CASE("ice lite answers a nominating check with our integrity and the source as mapped address") {
  const auto reply = answer_binding_request(check({.use_candidate = true}), kSession, kBrowser);
  REQUIRE(reply);
  REQUIRE(reply->checked);
  CHECK(reply->checked->use_candidate);
  CHECK(reply->checked->priority == 1853824767u);
  CHECK(reply->checked->controlling);
  CHECK(reply->checked->tie_breaker == 0x1122334455667788u);
  CHECK(reply->checked->username.remote_ufrag == "vGnO");
  const auto response = answered(*reply);
  CHECK(response.message_class() == StunClass::success_response);
  CHECK(response.method() == kStunBindingMethod);
  CHECK(verify_message_integrity(response, kSession.local_pwd));
  CHECK(read_xor_address(*response.attribute(stun_attr::kXorMappedAddress), kId) == kBrowser);
}

TEST_CASE("ice lite answers a consent check (RFC 7675) from an IPv6 source without a nomination") {
  const auto v6 = TransportAddress::v6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 48480);
  const auto reply = answer_binding_request(check({}), kSession, v6);
  REQUIRE(reply);
  REQUIRE(reply->checked);
  CHECK_FALSE(reply->checked->use_candidate);
  CHECK(read_xor_address(*answered(*reply).attribute(stun_attr::kXorMappedAddress), kId) == v6);
}

TEST_CASE("ice lite sends nothing for a Binding indication or a response") {
  for (const StunClass kind :
       {StunClass::indication, StunClass::success_response, StunClass::error_response}) {
    StunWriter writer(kStunBindingMethod, kind, kId);
    auto bytes = std::move(writer).finish("");
    REQUIRE(bytes);
    const auto reply = answer_binding_request(*parse_stun_message(*bytes), kSession, kBrowser);
    REQUIRE(reply);
    CHECK(reply->response.empty());
    CHECK_FALSE(reply->checked);
  }
}

TEST_CASE("ice lite answers 401 without integrity to a check it cannot authenticate") {
  Check c;
  SECTION("wrong password") {
    c.password = "AnotherPasswordOf32CharactersXyz";
  }
  SECTION("another session's ufrag") {
    c.username = "Other123:vGnO";
  }
  SECTION("another browser's ufrag") {
    c.username = "Srv8ufrg:zzzz";
  }
  SECTION("no colon in USERNAME") {
    c.username = "Srv8ufrg";
  }
  const auto reply = answer_binding_request(check(c), kSession, kBrowser);
  REQUIRE(reply);
  CHECK_FALSE(reply->checked);
  const auto response = answered(*reply);
  CHECK(error_code(response) == 401);
  CHECK_FALSE(response.integrity_offset());
}

TEST_CASE("ice lite answers 400 to a check without USERNAME or MESSAGE-INTEGRITY") {
  Check c;
  SECTION("no USERNAME") {
    c.username.clear();
  }
  SECTION("no MESSAGE-INTEGRITY") {
    c.password.clear();
  }
  const auto reply = answer_binding_request(check(c), kSession, kBrowser);
  REQUIRE(reply);
  const auto response = answered(*reply);
  CHECK(error_code(response) == 400);
  CHECK(reply->refusal == "no USERNAME or MESSAGE-INTEGRITY");
  CHECK_FALSE(response.integrity_offset());
}

TEST_CASE("ice lite answers 400 with integrity to an authentic check missing an ICE attribute") {
  Check c;
  std::string why;
  SECTION("no PRIORITY") {
    c.priority = false;
    why = "binding request: no 4-byte PRIORITY";
  }
  SECTION("no role") {
    c.controlling = false;
    why = "binding request: not exactly one 8-byte ICE-CONTROLLING or ICE-CONTROLLED";
  }
  SECTION("both roles") {
    c.controlled = true;
    why = "binding request: not exactly one 8-byte ICE-CONTROLLING or ICE-CONTROLLED";
  }
  SECTION("no FINGERPRINT") {
    c.fingerprint = false;
    why = "no FINGERPRINT";
  }
  const auto reply = answer_binding_request(check(c), kSession, kBrowser);
  REQUIRE(reply);
  CHECK(reply->refusal == why);
  const auto response = answered(*reply);
  CHECK(error_code(response) == 400);
  CHECK(verify_message_integrity(response, kSession.local_pwd));
}

TEST_CASE("ice lite answers 487 to a peer that is controlled too, keeping its own role") {
  const auto reply =
      answer_binding_request(check({.controlling = false, .controlled = true}), kSession, kBrowser);
  REQUIRE(reply);
  CHECK_FALSE(reply->checked);
  const auto response = answered(*reply);
  CHECK(error_code(response) == 487);
  const auto error = *response.attribute(stun_attr::kErrorCode);
  CHECK(std::string(error.begin() + 4, error.end()) == "Role Conflict");
  CHECK(verify_message_integrity(response, kSession.local_pwd));
}

TEST_CASE("ice lite answers the RFC 5769 sample request, which claims ICE-CONTROLLED, with 487") {
  const IceSessionCredentials rfc{"evtj", std::string(kRfc5769Password), "h6vY"};
  const auto reply = answer_binding_request(*parse_stun_message(rfc5769_request()), rfc, kBrowser);
  REQUIRE(reply);
  const auto response = answered(*reply, kRfc5769TransactionId);
  CHECK(error_code(response) == 487);
}

TEST_CASE("ice lite answers 420 listing unknown comprehension-required attributes") {
  const auto reply = answer_binding_request(check({.extra_attribute = 0x7f00}), kSession, kBrowser);
  REQUIRE(reply);
  const auto response = answered(*reply);
  CHECK(error_code(response) == 420);
  const auto listed = *response.attribute(stun_attr::kUnknownAttributes);
  CHECK(std::vector<uint8_t>(listed.begin(), listed.end()) == std::vector<uint8_t>{0x7f, 0x00});
}

TEST_CASE("ice lite ignores unknown comprehension-optional attributes") {
  const auto reply = answer_binding_request(check({.extra_attribute = 0xC057}), kSession, kBrowser);
  REQUIRE(reply);
  CHECK(reply->checked);
}

TEST_CASE("ice username splits at the first colon into two non-empty ufrags") {
  CHECK(split_ice_username("abcd:efgh")->local_ufrag == "abcd");
  CHECK(split_ice_username("abcd:efgh")->remote_ufrag == "efgh");
  CHECK(split_ice_username("ab:c:d")->remote_ufrag == "c:d");
  CHECK_FALSE(split_ice_username("abcd"));
  CHECK_FALSE(split_ice_username(":efgh"));
  CHECK_FALSE(split_ice_username("abcd:"));
}
