// Tests for unwrapping RTMP's 32-bit millisecond timestamps.
#include "codec/timestamp_unwrapper.hpp"

#include <catch2/catch.hpp>

using liverelay::codec::TimestampUnwrapper;

TEST_CASE("timestamp unwrapper keeps increasing across the 2^32 wrap") {
  TimestampUnwrapper unwrapper;
  CHECK(unwrapper.unwrap(0xFFFFFF00u) == 0xFFFFFF00LL);
  CHECK(unwrapper.unwrap(0x00000100u) == 0x100000100LL);
  CHECK(unwrapper.unwrap(0x00000200u) == 0x100000200LL);
}

TEST_CASE("timestamp unwrapper passes ordinary timestamps through unchanged") {
  TimestampUnwrapper unwrapper;
  CHECK(unwrapper.unwrap(1000) == 1000);
  CHECK(unwrapper.unwrap(1033) == 1033);
  CHECK(unwrapper.unwrap(1066) == 1066);
}

TEST_CASE("timestamp unwrapper treats a small step back as a step back, not a wrap") {
  TimestampUnwrapper unwrapper;
  CHECK(unwrapper.unwrap(5000) == 5000);
  CHECK(unwrapper.unwrap(4980) == 4980);
  CHECK(unwrapper.unwrap(5020) == 5020);
}

TEST_CASE("timestamp unwrapper treats a small step back over the wrap as a step back") {
  TimestampUnwrapper unwrapper;
  unwrapper.unwrap(0xFFFFFFF0u);
  CHECK(unwrapper.unwrap(0x00000010u) == 0x100000010LL);
  CHECK(unwrapper.unwrap(0xFFFFFFFAu) == 0xFFFFFFFALL);  // a late tag from before the wrap
  CHECK(unwrapper.unwrap(0x00000020u) == 0x100000020LL);
}

TEST_CASE("timestamp unwrapper wraps a second time after another 2^32 ms") {
  TimestampUnwrapper unwrapper;
  // Steps of 0x70000000 ms (about 21 days), each under half the range.
  unwrapper.unwrap(0);
  unwrapper.unwrap(0x70000000u);
  unwrapper.unwrap(0xE0000000u);
  CHECK(unwrapper.unwrap(0x50000000u) == 0x150000000LL);
  CHECK(unwrapper.unwrap(0xC0000000u) == 0x1C0000000LL);
  CHECK(unwrapper.unwrap(5) == 0x200000005LL);
}
