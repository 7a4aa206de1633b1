// Sequence number comparison and unwrapping across the 16-bit wrap (RFC 3550 A.1).
#include "protocol/rtp/sequence_number.hpp"

#include <catch2/catch.hpp>

using liverelay::rtp::forward_distance;
using liverelay::rtp::is_newer;
using liverelay::rtp::SequenceUnwrapper;

TEST_CASE("is_newer orders sequence numbers across the wrap", "[rtp]") {
  CHECK(is_newer(2, 1));
  CHECK_FALSE(is_newer(1, 2));
  CHECK_FALSE(is_newer(7, 7));
  CHECK(is_newer(0, 65535));
  CHECK(is_newer(10, 65530));
  CHECK_FALSE(is_newer(65530, 10));
  CHECK(is_newer(0x7fff, 0));        // just under half the space ahead
  CHECK_FALSE(is_newer(0x8001, 0));  // just over: behind
  CHECK(is_newer(0, 0x8001));
}

TEST_CASE("is_newer calls exactly one of two numbers half the space apart newer", "[rtp]") {
  CHECK(is_newer(0x8000, 0) != is_newer(0, 0x8000));
  CHECK(is_newer(0x9234, 0x1234) != is_newer(0x1234, 0x9234));
}

TEST_CASE("forward_distance counts steps through the wrap", "[rtp]") {
  CHECK(forward_distance(65535, 2) == 3);
  CHECK(forward_distance(5, 5) == 0);
  CHECK(forward_distance(2, 1) == 65535);
}

TEST_CASE("unwrapper counts on past 65535 and places late packets before the wrap", "[rtp]") {
  SequenceUnwrapper unwrapper;
  CHECK(unwrapper.unwrap(65534) == 65534);
  CHECK(unwrapper.unwrap(65535) == 65535);
  CHECK(unwrapper.unwrap(0) == 65536);
  CHECK(unwrapper.unwrap(3) == 65539);
  CHECK(unwrapper.unwrap(65533) == 65533);  // reordered from before the wrap
  CHECK(unwrapper.unwrap(4) == 65540);
  CHECK(unwrapper.peek(65535) == 65535);
  CHECK(unwrapper.last() == 65540);  // peek moved nothing
}

TEST_CASE("unwrapper goes through several wraps and below zero", "[rtp]") {
  SequenceUnwrapper unwrapper;
  CHECK(unwrapper.unwrap(2) == 2);
  CHECK(unwrapper.unwrap(65534) == -2);
  int64_t expected = -2;
  uint16_t sequence = 65534;
  for (int i = 0; i < 3 * 65536; i += 1000) {
    sequence = static_cast<uint16_t>(sequence + 1000);
    expected += 1000;
    REQUIRE(unwrapper.unwrap(sequence) == expected);
  }
}
