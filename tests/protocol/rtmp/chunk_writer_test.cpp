// ChunkWriter: header choice and bytes against the spec's examples, and round trips through
// ChunkReader over random message sets.
#include "protocol/rtmp/chunk_writer.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <initializer_list>
#include <map>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include "protocol/rtmp/chunk_reader.hpp"
#include "protocol/rtmp/control.hpp"
#include "tests/protocol/rtmp/test_bytes.hpp"

namespace {

using liverelay::rtmp::ChunkReader;
using liverelay::rtmp::ChunkWriter;
using liverelay::rtmp::Message;
using liverelay::testing::Bytes;
using liverelay::testing::join;
using liverelay::testing::pattern;
using liverelay::testing::slice;

Message message(uint32_t csid, uint8_t type, uint32_t stream, uint32_t timestamp, Bytes payload) {
  return Message{csid, type, stream, timestamp, std::move(payload)};
}

// The bytes one write() appends.
Bytes written(ChunkWriter& writer, const Message& m) {
  Bytes out;
  writer.write(m, out);
  return out;
}

}  // namespace

TEST_CASE("chunk writer reproduces the spec's audio example: type 0, 2, 3, 3") {
  ChunkWriter writer;
  const Bytes a1 = pattern(32, 0x10), a2 = pattern(32, 0x30), a3 = pattern(32, 0x50), a4 = pattern(32, 0x70);
  // RTMP spec 5.3.2.1.
  CHECK(written(writer, message(3, 8, 12345, 1000, a1)) ==
        join({{0x03, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x20, 0x08, 0x39, 0x30, 0x00, 0x00}, a1}));
  CHECK(written(writer, message(3, 8, 12345, 1020, a2)) == join({{0x83, 0x00, 0x00, 0x14}, a2}));
  CHECK(written(writer, message(3, 8, 12345, 1040, a3)) == join({{0xC3}, a3}));
  CHECK(written(writer, message(3, 8, 12345, 1060, a4)) == join({{0xC3}, a4}));
}

TEST_CASE("chunk writer splits the spec's 307-byte video message into type-3 continuations") {
  ChunkWriter writer;
  const Bytes video = pattern(307, 0x01);
  // RTMP spec 5.3.2.2.
  // clang-format off
  CHECK(written(writer, message(4, 9, 12346, 1000, video)) ==
        join({{0x04, 0x00, 0x03, 0xE8, 0x00, 0x01, 0x33, 0x09, 0x3A, 0x30, 0x00, 0x00},
              slice(video, 0, 128), {0xC4}, slice(video, 128, 256), {0xC4},
              slice(video, 256, 307)}));
  // clang-format on
}

TEST_CASE("a new length or message type gets a type-1 header") {
  ChunkWriter writer;
  written(writer, message(3, 8, 1, 0, {0x01, 0x02}));
  CHECK(written(writer, message(3, 8, 1, 10, {0x03, 0x04, 0x05})) ==
        Bytes{0x43, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x03, 0x08, 0x03, 0x04, 0x05});
  CHECK(written(writer, message(3, 9, 1, 20, {0x06, 0x07, 0x08})) ==
        Bytes{0x43, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x03, 0x09, 0x06, 0x07, 0x08});
}

TEST_CASE("a new message stream or a timestamp going back gets a type-0 header") {
  ChunkWriter writer;
  written(writer, message(3, 20, 1, 100, {0x01}));
  CHECK(written(writer, message(3, 20, 2, 200, {0x02})) ==
        Bytes{0x03, 0x00, 0x00, 0xC8, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x02});
  CHECK(written(writer, message(3, 20, 2, 150, {0x03})) ==
        Bytes{0x03, 0x00, 0x00, 0x96, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00, 0x00, 0x00, 0x03});
}

TEST_CASE("a type-3 header never starts a message right after a type-0 header") {
  // 1000 then 2000: a type-3 header would be right by the spec (delta = the type-0
  // timestamp) but nginx-rtmp would read 1000 again; a type-2 header is read alike by all.
  ChunkWriter writer;
  written(writer, message(3, 8, 1, 1000, {0x01}));
  CHECK(written(writer, message(3, 8, 1, 2000, {0x02})) == Bytes{0x83, 0x00, 0x03, 0xE8, 0x02});
  CHECK(written(writer, message(3, 8, 1, 3000, {0x03})) == Bytes{0xC3, 0x03});
}

TEST_CASE("a timestamp of 0xFFFFFF or more uses the extended field, repeated on continuations") {
  ChunkWriter writer;
  const Bytes video = pattern(200, 0x10);
  // clang-format off
  CHECK(written(writer, message(4, 9, 1, 0x01020304, video)) ==
        join({{0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xC8, 0x09, 0x01, 0x00, 0x00, 0x00, 0x01,
               0x02, 0x03, 0x04},
              slice(video, 0, 128), {0xC4, 0x01, 0x02, 0x03, 0x04}, slice(video, 128, 200)}));
  // clang-format on
  SECTION("0xFFFFFE still fits the 24-bit field") {
    ChunkWriter fresh;
    CHECK(written(fresh, message(4, 9, 1, 0xFFFFFE, {0x01})) ==
          Bytes{0x04, 0xFF, 0xFF, 0xFE, 0x00, 0x00, 0x01, 0x09, 0x01, 0x00, 0x00, 0x00, 0x01});
  }
}

TEST_CASE("a delta that needs the extended field is sent as a type-0 header") {
  ChunkWriter writer;
  written(writer, message(4, 9, 1, 0, {0x01}));
  // clang-format off
  CHECK(written(writer, message(4, 9, 1, 0x01000000, {0x02})) ==
        Bytes{0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x09, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
              0x00, 0x00, 0x02});
  // clang-format on
}

TEST_CASE("basic headers take 1, 2 or 3 bytes by chunk stream id") {
  ChunkWriter writer;
  const Bytes rest = {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0xEE};
  CHECK(written(writer, message(63, 8, 0, 0, {0xEE})) == join({{0x3F}, rest}));
  CHECK(written(writer, message(64, 8, 0, 0, {0xEE})) == join({{0x00, 0x00}, rest}));
  CHECK(written(writer, message(319, 8, 0, 0, {0xEE})) == join({{0x00, 0xFF}, rest}));
  CHECK(written(writer, message(320, 8, 0, 0, {0xEE})) == join({{0x01, 0x00, 0x01}, rest}));
  const Bytes big = pattern(130, 0x10);
  // clang-format off
  CHECK(written(writer, message(65599, 8, 0, 0, big)) ==
        join({{0x01, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x82, 0x08, 0x00, 0x00, 0x00,
               0x00},
              slice(big, 0, 128), {0xC1, 0xFF, 0xFF}, slice(big, 128, 130)}));
  // clang-format on
}

TEST_CASE("set_chunk_size changes the size of later chunks") {
  ChunkWriter writer;
  writer.set_chunk_size(4096);
  const Bytes video = pattern(300, 0x10);
  CHECK(written(writer, message(4, 9, 1, 0, video)) ==
        join({{0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x2C, 0x09, 0x01, 0x00, 0x00, 0x00}, video}));
  writer.set_chunk_size(100);
  // clang-format off
  CHECK(written(writer, message(4, 9, 1, 40, video)) ==
        join({{0x84, 0x00, 0x00, 0x28}, slice(video, 0, 100), {0xC4}, slice(video, 100, 200),
              {0xC4}, slice(video, 200, 300)}));
  // clang-format on
}

TEST_CASE("chunk writer refuses ids and sizes the wire cannot carry") {
  ChunkWriter writer;
  Bytes out;
  CHECK_THROWS_AS(writer.write(message(1, 8, 0, 0, {}), out), std::invalid_argument);
  CHECK_THROWS_AS(writer.write(message(65600, 8, 0, 0, {}), out), std::invalid_argument);
  CHECK_THROWS_AS(writer.write(message(3, 8, 0, 0, Bytes(0x1000000)), out), std::invalid_argument);
  CHECK_THROWS_AS(writer.set_chunk_size(0), std::invalid_argument);
  CHECK_THROWS_AS(writer.set_chunk_size(0x80000000), std::invalid_argument);
  CHECK(out.empty());
}

namespace {

// Random messages that often repeat their chunk stream's type, length and delta, so that every
// header type is used, with jumps back, extended timestamps and new message streams.
class MessageGenerator {
 public:
  explicit MessageGenerator(uint32_t seed) : rng_(seed) {}

  Message next() {
    static constexpr std::array<uint32_t, 8> kIds{3, 4, 5, 6, 63, 64, 320, 65599};
    static constexpr std::array<uint8_t, 4> kTypes{8, 9, 18, 20};
    const uint32_t csid = kIds[pick(kIds.size())];
    Last& last = last_[csid];
    if (pick(5) == 0) last.type = kTypes[pick(kTypes.size())];
    if (pick(4) == 0) last.length = std::array<size_t, 4>{0, 1, pick(600), pick(5000)}[pick(4)];
    if (pick(4) == 0) {
      last.delta = std::array<uint32_t, 4>{0, static_cast<uint32_t>(pick(100)), 0xFFFFFE,
                                           0xFFFFFF + static_cast<uint32_t>(pick(3))}[pick(4)];
    }
    last.timestamp = pick(20) == 0 ? static_cast<uint32_t>(rng_()) : last.timestamp + last.delta;
    if (pick(20) == 0) last.stream = static_cast<uint32_t>(pick(3));
    Bytes payload(last.length);
    for (auto& byte : payload) byte = static_cast<uint8_t>(rng_());
    return Message{csid, last.type, last.stream, last.timestamp, std::move(payload)};
  }

 private:
  struct Last {
    uint8_t type = 9;
    size_t length = 100;
    uint32_t delta = 33;
    uint32_t timestamp = 0;
    uint32_t stream = 1;
  };
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::mt19937 rng_;
  std::map<uint32_t, Last> last_;
};

bool same(const Message& a, const Message& b) {
  return a.chunk_stream_id == b.chunk_stream_id && a.type_id == b.type_id &&
         a.message_stream_id == b.message_stream_id && a.timestamp == b.timestamp && a.payload == b.payload;
}

// Reads `wire` in random pieces and checks it gives back `sent`, in order.
void check_reads_back(const Bytes& wire, const std::vector<Message>& sent, std::mt19937& rng) {
  ChunkReader reader;
  std::vector<Message> got;
  for (size_t pos = 0; pos < wire.size();) {
    const size_t size = std::min(wire.size() - pos, size_t{1} + rng() % 700);
    REQUIRE(reader.feed(std::span(wire).subspan(pos, size)));
    pos += size;
    while (auto m = reader.next()) got.push_back(std::move(*m));
  }
  REQUIRE(got.size() == sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    INFO("message " << i << " on chunk stream " << sent[i].chunk_stream_id);
    REQUIRE(same(got[i], sent[i]));
  }
}

}  // namespace

TEST_CASE("messages written at any chunk size read back the same, with all four header types") {
  const uint32_t chunk_size = GENERATE(1u, 2u, 100u, 128u, 4096u, 0x7FFFFFFFu);
  INFO("chunk size " << chunk_size);
  MessageGenerator generator(20240601 + chunk_size);
  std::mt19937 rng(7);
  ChunkWriter writer;
  Bytes wire;
  std::vector<Message> sent{liverelay::rtmp::make_set_chunk_size(chunk_size)};
  writer.write(sent.back(), wire);
  writer.set_chunk_size(chunk_size);
  std::array<int, 4> header_types{};
  for (int i = 0; i < 400; ++i) {
    sent.push_back(generator.next());
    const size_t start = wire.size();
    writer.write(sent.back(), wire);
    ++header_types[wire[start] >> 6];
  }
  for (int count : header_types) CHECK(count > 10);
  check_reads_back(wire, sent, rng);
}

TEST_CASE("messages read back the same when the chunk size changes between them") {
  MessageGenerator generator(99);
  std::mt19937 rng(3);
  ChunkWriter writer;
  Bytes wire;
  std::vector<Message> sent;
  for (int i = 0; i < 300; ++i) {
    if (i % 25 == 0) {
      const uint32_t size = std::array<uint32_t, 5>{1, 60, 128, 1500, 65536}[rng() % 5];
      sent.push_back(liverelay::rtmp::make_set_chunk_size(size));
      writer.write(sent.back(), wire);  // at the old size, as the peer still expects
      writer.set_chunk_size(size);
    }
    sent.push_back(generator.next());
    writer.write(sent.back(), wire);
  }
  check_reads_back(wire, sent, rng);
}
