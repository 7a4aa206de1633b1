// Unit tests for the room's token bucket and abuse counter, driven by a clock the test sets.
#include "protocol/room/rate_limiter.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

using namespace liverelay::room;

TEST_CASE("a token bucket starts full, lets a burst through, then refuses", "[room]") {
  TokenBucket bucket(2, 3);
  const int64_t t0 = 1732480000123;  // any clock: the first call sets it
  CHECK(bucket.available(t0) == 3);
  CHECK(bucket.try_take(t0));
  CHECK(bucket.try_take(t0));
  CHECK(bucket.try_take(t0));
  CHECK_FALSE(bucket.try_take(t0));
  CHECK(bucket.available(t0) == 0);
}

TEST_CASE("a token bucket refills at its rate, one token per 1/rate seconds", "[room]") {
  TokenBucket bucket(2, 3);
  for (int i = 0; i < 3; ++i) REQUIRE(bucket.try_take(0));

  CHECK(bucket.available(250) == 0.5);
  CHECK_FALSE(bucket.try_take(499));
  CHECK(bucket.try_take(500));
  CHECK_FALSE(bucket.try_take(500));
  CHECK_FALSE(bucket.try_take(999));
  CHECK(bucket.try_take(1000));

  // A long silence fills it to the burst and no further.
  CHECK(bucket.available(60'000) == 3);
  for (int i = 0; i < 3; ++i) CHECK(bucket.try_take(60'000));
  CHECK_FALSE(bucket.try_take(60'000));
}

TEST_CASE("a token bucket with a fractional rate lets one message through every two seconds", "[room]") {
  TokenBucket bucket(0.5, 1);
  CHECK(bucket.try_take(0));
  CHECK_FALSE(bucket.try_take(1999));
  CHECK(bucket.try_take(2000));
  CHECK_FALSE(bucket.try_take(3000));
  CHECK(bucket.try_take(4000));
}

TEST_CASE("refills add up exactly however often the bucket is asked", "[room]") {
  // 3 per second is 0.003 tokens a millisecond: a double would drift over 334 small steps.
  TokenBucket bucket(3, 1);
  REQUIRE(bucket.try_take(0));
  int64_t first_success = -1;
  for (int64_t now = 1; now <= 1000 && first_success < 0; ++now) {
    if (bucket.try_take(now)) first_success = now;
  }
  CHECK(first_success == 334);  // 333 ms hold 0.999 tokens, 334 ms hold 1.002

  TokenBucket asked_once(3, 1);
  REQUIRE(asked_once.try_take(0));
  CHECK_FALSE(asked_once.try_take(333));
  CHECK(asked_once.try_take(334));
}

TEST_CASE("a clock stepping back refills nothing and takes nothing extra", "[room]") {
  TokenBucket bucket(2, 1);
  REQUIRE(bucket.try_take(10'000));
  CHECK_FALSE(bucket.try_take(0));
  CHECK_FALSE(bucket.try_take(10'000));
  CHECK_FALSE(bucket.try_take(10'499));
  CHECK(bucket.try_take(10'500));
}

TEST_CASE("hours of silence refill the bucket without overflowing", "[room]") {
  TokenBucket bucket(1e6, 1e6);
  REQUIRE(bucket.try_take(0));
  const int64_t far = std::numeric_limits<int64_t>::max() / 2;
  CHECK(bucket.available(far) == 1e6);
  CHECK(bucket.try_take(far));
  CHECK(bucket.available(far) == 1e6 - 1);
}

TEST_CASE("a token bucket refuses a rate or burst that could never work", "[room]") {
  CHECK_THROWS_AS(TokenBucket(0, 5), std::invalid_argument);
  CHECK_THROWS_AS(TokenBucket(-1, 5), std::invalid_argument);
  CHECK_THROWS_AS(TokenBucket(std::nan(""), 5), std::invalid_argument);
  CHECK_THROWS_AS(TokenBucket(1, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(TokenBucket(1, 2e6), std::invalid_argument);
  CHECK_NOTHROW(TokenBucket(0.001, 1));
}

TEST_CASE("ten strikes within ten seconds mean disconnect", "[room]") {
  AbuseCounter counter;
  for (int64_t i = 0; i < 9; ++i) CHECK_FALSE(counter.strike(i * 1000));
  CHECK(counter.strikes(8000) == 9);
  CHECK(counter.strike(9999));    // the first, at 0, is 9,999 ms old: still inside
  CHECK(counter.strike(10'000));  // the first left the window, but the others and this make ten
}

TEST_CASE("strikes too far apart for ten to fit in the window never mean disconnect", "[room]") {
  // Ten strikes need nine gaps inside 10 s: one every 1,112 ms never gets there.
  AbuseCounter counter(10, 10'000);
  for (int64_t i = 0; i < 100; ++i) CHECK_FALSE(counter.strike(i * 1112));
  CHECK(counter.strikes(99 * 1112) == 9);
  CHECK(counter.strikes(99 * 1112 + 10'000) == 0);
}

TEST_CASE("a small abuse counter trips on its own limit and forgets old strikes", "[room]") {
  AbuseCounter counter(3, 1000);
  CHECK_FALSE(counter.strike(0));
  CHECK_FALSE(counter.strike(100));
  CHECK(counter.strikes(999) == 2);
  CHECK(counter.strikes(1000) == 1);
  CHECK_FALSE(counter.strike(1050));  // 0 has left the window
  CHECK(counter.strike(1060));
  CHECK(counter.strike(500));  // a clock stepping back counts at the latest time seen
}
