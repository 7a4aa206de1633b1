// The opening handshake: RFC 6455's accept key example and the checks on version and key.
#include "protocol/websocket/handshake.hpp"

#include <catch2/catch.hpp>
#include <string>

using liverelay::Errc;
using liverelay::websocket::accept_key;
using liverelay::websocket::handshake_response;
using liverelay::websocket::UpgradeHeaders;

TEST_CASE("accept key of the RFC's sample nonce", "[websocket]") {
  CHECK(accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  // Another key, checked against Python's hashlib and base64.
  CHECK(accept_key("AAAAAAAAAAAAAAAAAAAAAA==") == "ICX+Yqv66kxgM0FcWaLWlFLwTAI=");
}

TEST_CASE("handshake answers a version 13 upgrade with 101 and the accept key", "[websocket]") {
  auto response = handshake_response(UpgradeHeaders{"13", "dGhlIHNhbXBsZSBub25jZQ=="});
  REQUIRE(response);
  CHECK(*response ==
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  // Optional whitespace around a header value is not part of it (RFC 7230 3.2).
  auto padded = handshake_response(UpgradeHeaders{" 13\t", "  dGhlIHNhbXBsZSBub25jZQ== "});
  REQUIRE(padded);
  CHECK(*padded == *response);
}

TEST_CASE("handshake refuses a missing or other version", "[websocket]") {
  auto missing = handshake_response(UpgradeHeaders{"", "dGhlIHNhbXBsZSBub25jZQ=="});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::malformed);
  CHECK(missing.error().message.find("Sec-WebSocket-Version") != std::string::npos);
  for (const char* version : {"8", "12", "14", "13, 8", "013"}) {
    INFO(version);
    auto other = handshake_response(UpgradeHeaders{version, "dGhlIHNhbXBsZSBub25jZQ=="});
    REQUIRE_FALSE(other);
    CHECK(other.error().code == Errc::unsupported);
    CHECK(other.error().message.find("Sec-WebSocket-Version") != std::string::npos);
  }
}

TEST_CASE("handshake refuses a key that is not base64 of 16 bytes", "[websocket]") {
  const char* bad_keys[] = {
      "",
      "   ",
      "AAAAAAAAAAAAAAAAAAAA",          // 15 bytes
      "AAAAAAAAAAAAAAAAAAAAAAA=",      // 17 bytes
      "AAAAAAAAAAAAAAAAAAAAAAAAAAA=",  // 20 bytes
      "dGhlIHNhbXBsZSBub25jZQ",        // 16 bytes, padding missing
      "dGhlIHNhbXBsZSBub25jZQ=",       // padding short
      "dGhlIHNhbXBsZSBub25jZ*==",      // not the alphabet
      "dGhlIHNhbXBs-SBub25jZQ==",      // base64url
      "dGhlIHNhbXBs ZSBub25jZQ==",     // a space inside
  };
  for (const char* key : bad_keys) {
    INFO("key \"" << key << "\"");
    auto refused = handshake_response(UpgradeHeaders{"13", key});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::malformed);
    CHECK(refused.error().message.find("Sec-WebSocket-Key") != std::string::npos);
  }
}

TEST_CASE("handshake accepts any 16-byte key, unused low bits included, as the ws library does",
          "[websocket]") {
  // 'R' leaves low bits set that a strict decoder would refuse; the text is still hashed as sent.
  auto response = handshake_response(UpgradeHeaders{"13", "dGhlIHNhbXBsZSBub25jZR=="});
  REQUIRE(response);
  CHECK(response->find(accept_key("dGhlIHNhbXBsZSBub25jZR==")) != std::string::npos);
}
