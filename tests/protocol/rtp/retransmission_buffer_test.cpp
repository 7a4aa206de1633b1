// RetransmissionBuffer: answers NACKs across the sequence wrap, forgets by count and age, bounds answers.
#include "protocol/rtp/retransmission_buffer.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <vector>

namespace {

using liverelay::rtp::GenericNack;
using Buffer = liverelay::rtp::RetransmissionBuffer<std::vector<uint8_t>>;

constexpr uint32_t kSsrc = 0x12345678;

// A packet standing for sequence number `sequence`, so that the wrong packet shows.
std::vector<uint8_t> packet(uint16_t sequence) {
  return {static_cast<uint8_t>(sequence >> 8), static_cast<uint8_t>(sequence)};
}

std::vector<uint16_t> sequences_of(const std::vector<const std::vector<uint8_t>*>& found) {
  std::vector<uint16_t> out;
  for (const auto* p : found) out.push_back(static_cast<uint16_t>(((*p)[0] << 8) | (*p)[1]));
  return out;
}

std::vector<uint16_t> found_for(Buffer& buffer, std::vector<uint16_t> lost, int64_t now_ms,
                                size_t max = 100) {
  std::vector<const std::vector<uint8_t>*> found;
  const size_t count = buffer.find(lost, now_ms, max, found);
  REQUIRE(count == found.size());
  return sequences_of(found);
}

void store_range(Buffer& buffer, uint16_t first, int count, int64_t now_ms) {
  for (int i = 0; i < count; ++i) {
    const auto sequence = static_cast<uint16_t>(first + i);
    buffer.store(sequence, now_ms, packet(sequence));
  }
}

}  // namespace

TEST_CASE("retransmission buffer answers a NACK with the stored packets in the order asked", "[rtp]") {
  Buffer buffer(kSsrc);
  store_range(buffer, 100, 10, 0);
  CHECK(found_for(buffer, {105, 103, 200, 99}, 10) == std::vector<uint16_t>{105, 103});
}

TEST_CASE("retransmission buffer finds packets on both sides of the wrap", "[rtp]") {
  Buffer buffer(kSsrc);
  store_range(buffer, 65530, 12, 0);  // 65530..65535, 0..5
  CHECK(buffer.size() == 12);
  CHECK(found_for(buffer, {65534, 1, 65535, 0, 5, 6, 65529}, 10) ==
        std::vector<uint16_t>{65534, 1, 65535, 0, 5});
}

TEST_CASE("retransmission buffer answers a generic NACK for its SSRC only", "[rtp]") {
  Buffer buffer(kSsrc);
  store_range(buffer, 0, 20, 0);
  std::vector<const std::vector<uint8_t>*> found;
  CHECK(buffer.answer(GenericNack{1, kSsrc + 1, {3, 4}}, 10, 100, found) == 0);
  CHECK(buffer.answer(GenericNack{1, kSsrc, {3, 4}}, 10, 100, found) == 2);
  CHECK(sequences_of(found) == std::vector<uint16_t>{3, 4});
}

TEST_CASE("retransmission buffer keeps only the last capacity packets", "[rtp]") {
  Buffer buffer(kSsrc, {8, 1000, 0});
  store_range(buffer, 0, 20, 0);
  CHECK(buffer.size() == 8);
  CHECK(found_for(buffer, {11, 12, 19}, 0) == std::vector<uint16_t>{12, 19});
}

TEST_CASE("retransmission buffer forgets packets older than the age limit", "[rtp]") {
  Buffer buffer(kSsrc, {1024, 1000, 0});
  buffer.store(0, 0, packet(0));
  buffer.store(1, 500, packet(1));
  CHECK(found_for(buffer, {0, 1}, 1000) == std::vector<uint16_t>{0, 1});  // exactly the limit: still kept
  CHECK(found_for(buffer, {0, 1}, 1001) == std::vector<uint16_t>{1});
  buffer.expire(1001);
  CHECK(buffer.size() == 1);
  buffer.expire(1501);
  CHECK(buffer.size() == 0);
  CHECK(found_for(buffer, {0, 1}, 1501).empty());
}

TEST_CASE("retransmission buffer releases what expired packets hold", "[rtp]") {
  liverelay::rtp::RetransmissionBuffer<std::shared_ptr<int>> buffer(kSsrc, {4, 100, 0});
  auto first = std::make_shared<int>(1);
  buffer.store(0, 0, first);
  CHECK(first.use_count() == 2);
  buffer.store(1, 50, std::make_shared<int>(2));
  buffer.store(2, 150, std::make_shared<int>(3));  // 0 is past its age now
  CHECK(first.use_count() == 1);
  CHECK(buffer.size() == 2);
}

TEST_CASE("retransmission buffer answers at most the number asked", "[rtp]") {
  Buffer buffer(kSsrc);
  store_range(buffer, 0, 50, 0);
  CHECK(found_for(buffer, {1, 2, 3, 4, 5}, 0, 2) == std::vector<uint16_t>{1, 2});
  CHECK(found_for(buffer, {1, 2, 3}, 0, 0).empty());
}

TEST_CASE("retransmission buffer resends a packet once per interval however often it is NACKed", "[rtp]") {
  Buffer buffer(kSsrc, {1024, 1000, 100});
  store_range(buffer, 0, 10, 0);
  CHECK(found_for(buffer, {4, 4}, 10) == std::vector<uint16_t>{4});
  CHECK(found_for(buffer, {4, 5}, 60) == std::vector<uint16_t>{5});
  CHECK(found_for(buffer, {4}, 110) == std::vector<uint16_t>{4});
}

TEST_CASE("retransmission buffer drops everything after a jump past its window", "[rtp]") {
  Buffer buffer(kSsrc, {16, 1000, 0});
  store_range(buffer, 0, 16, 0);
  buffer.store(20000, 10, packet(20000));
  CHECK(buffer.size() == 1);
  CHECK(found_for(buffer, {0, 15, 20000}, 10) == std::vector<uint16_t>{20000});
}

TEST_CASE("retransmission buffer keeps a late packet inside the window and ignores one outside", "[rtp]") {
  Buffer buffer(kSsrc, {8, 1000, 0});
  store_range(buffer, 10, 5, 0);  // 10..14, 15 not sent yet
  buffer.store(16, 0, packet(16));
  buffer.store(15, 0, packet(15));  // sent out of order
  buffer.store(2, 0, packet(2));    // before the window of 8
  CHECK(buffer.size() == 7);
  CHECK(found_for(buffer, {2, 15, 16}, 0) == std::vector<uint16_t>{15, 16});
}

TEST_CASE("retransmission buffer does not mistake a number from a previous cycle", "[rtp]") {
  Buffer buffer(kSsrc, {1024, 1000000, 0});
  for (int i = 0; i < 65536 + 100; i += 1) {
    buffer.store(static_cast<uint16_t>(i), 0, packet(static_cast<uint16_t>(i)));
  }
  // 50 was stored twice, 65536 numbers apart: the recent one is in the window, and 1000 is not.
  CHECK(found_for(buffer, {50, 1000}, 0) == std::vector<uint16_t>{50});
  CHECK(buffer.size() == 1024);
}

TEST_CASE("retransmission buffer refuses a capacity of 0 or over half the sequence space", "[rtp]") {
  CHECK_THROWS_AS(Buffer(kSsrc, {0, 1000, 0}), std::invalid_argument);
  CHECK_THROWS_AS(Buffer(kSsrc, {32769, 1000, 0}), std::invalid_argument);
  CHECK_NOTHROW(Buffer(kSsrc, {32768, 1000, 0}));
}
