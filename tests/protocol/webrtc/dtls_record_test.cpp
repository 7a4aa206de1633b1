// Tests for the DTLS record screening: protected records too short for any key.
#include "protocol/webrtc/dtls_record.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

using liverelay::webrtc::has_short_protected_record;

namespace dtls_record_test {

// A DTLS 1.2 record header (type, version, epoch, sequence number, length) and its body.
std::vector<uint8_t> record(uint8_t type, uint16_t epoch, uint16_t length) {
  std::vector<uint8_t> bytes = {
      type, 0xfe, 0xfd, static_cast<uint8_t>(epoch >> 8),  static_cast<uint8_t>(epoch), 0, 0, 0,
      0,    0,    1,    static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
  bytes.resize(bytes.size() + length, 0xab);
  return bytes;
}

std::vector<uint8_t> joined(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace dtls_record_test

using dtls_record_test::joined;
using dtls_record_test::record;

TEST_CASE("a protected record shorter than the cipher's overhead is flagged", "[dtls]") {
  CHECK(has_short_protected_record(record(23, 1, 4), 24));
  CHECK(has_short_protected_record(record(23, 1, 23), 24));
  CHECK(has_short_protected_record(record(21, 2, 0), 16));
  CHECK_FALSE(has_short_protected_record(record(23, 1, 24), 24));
  CHECK_FALSE(has_short_protected_record(record(23, 1, 16), 16));
}

TEST_CASE("epoch 0 records are plaintext and never flagged for their length", "[dtls]") {
  CHECK_FALSE(has_short_protected_record(record(22, 0, 5), 24));
  CHECK_FALSE(has_short_protected_record(record(21, 0, 2), 24));
}

TEST_CASE("every record of a datagram is screened, the short one anywhere in it", "[dtls]") {
  const auto handshake = record(22, 0, 40);
  const auto finished = record(22, 1, 40);
  CHECK_FALSE(has_short_protected_record(joined(handshake, finished), 24));
  CHECK(has_short_protected_record(joined(joined(handshake, finished), record(23, 1, 3)), 24));
  CHECK(has_short_protected_record(joined(record(23, 1, 3), handshake), 24));
}

TEST_CASE("a truncated header or a length past the end stops the walk without a verdict", "[dtls]") {
  CHECK_FALSE(has_short_protected_record({}, 24));
  CHECK_FALSE(has_short_protected_record(std::vector<uint8_t>{23, 0xfe, 0xfd, 0, 1}, 24));
  auto past_end = record(23, 1, 40);
  past_end.resize(30);
  CHECK_FALSE(has_short_protected_record(past_end, 24));
  // A short record after a cut one is never reached: OpenSSL drops the datagram's rest anyway.
  CHECK_FALSE(has_short_protected_record(joined(past_end, record(23, 1, 3)), 24));
}
