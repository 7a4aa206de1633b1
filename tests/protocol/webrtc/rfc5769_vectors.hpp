// RFC 5769 (STUN test vectors) sections 2.1-2.3 as bytes, shared by the STUN tests.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/webrtc/stun_message.hpp"

namespace liverelay::webrtc::test {

// "00 01 0a" -> {0x00, 0x01, 0x0a}; spaces and line breaks are ignored.
inline std::vector<uint8_t> from_hex(std::string_view text) {
  std::vector<uint8_t> out;
  int high = -1;
  for (const char c : text) {
    int nibble = -1;
    if (c >= '0' && c <= '9') nibble = c - '0';
    if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
    if (nibble < 0) continue;
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | nibble));
      high = -1;
    }
  }
  return out;
}

// Both vectors' short-term password (RFC 5769 2.1-2.3); the sample request's USERNAME is "evtj:h6vY".
inline constexpr std::string_view kRfc5769Password = "VOkJxbRl1RmTxUk/WvJxBt";

// 2.1 Sample request: SOFTWARE "STUN test client", PRIORITY, ICE-CONTROLLED, USERNAME,
// MESSAGE-INTEGRITY, FINGERPRINT. Its padding bytes are spaces (0x20).
inline std::vector<uint8_t> rfc5769_request() {
  return from_hex(
      "00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
      "80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74"
      "00 24 00 04 6e 00 01 ff"
      "80 29 00 08 93 2f f9 b1 51 26 3b 36"
      "00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20"
      "00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2"
      "80 28 00 04 e5 7a 3b cf");
}

// 2.2 Sample IPv4 response: SOFTWARE "test vector", XOR-MAPPED-ADDRESS 192.0.2.1:32853.
inline std::vector<uint8_t> rfc5769_ipv4_response() {
  return from_hex(
      "01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
      "80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
      "00 20 00 08 00 01 a1 47 e1 12 a6 43"
      "00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7"
      "80 28 00 04 c0 7d 4c 96");
}

// 2.3 Sample IPv6 response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.
inline std::vector<uint8_t> rfc5769_ipv6_response() {
  return from_hex(
      "01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"
      "80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20"
      "00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9"
      "00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41"
      "80 28 00 04 c8 fb 0b 4c");
}

inline constexpr TransactionId kRfc5769TransactionId = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                                        0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

}  // namespace liverelay::webrtc::test
