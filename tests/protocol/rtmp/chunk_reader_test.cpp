// ChunkReader on hand-written chunks (RTMP spec 5.3), each input also fed byte by byte.
#include "protocol/rtmp/chunk_reader.hpp"
#include "tests/protocol/rtmp/test_bytes.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

// Outcome, Seen, decode and the like are also the names of chunk_reader_limits_test.cpp and of the
// WebSocket tests' helpers: a namespace of its own keeps each file's apart when a unity build
// compiles them as one.
namespace chunk_reader_test {
namespace {

using liverelay::rtmp::ChunkReader;
using liverelay::rtmp::ChunkReaderLimits;
using liverelay::rtmp::Message;
using liverelay::testing::Bytes;
using liverelay::testing::join;
using liverelay::testing::pattern;
using liverelay::testing::slice;

struct Seen {
  uint32_t csid = 0;
  unsigned type = 0;
  uint32_t stream = 0;
  uint32_t timestamp = 0;
  Bytes payload;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& seen) {
  os << "{csid " << seen.csid << " type " << seen.type << " stream " << seen.stream << " ts "
     << seen.timestamp << " payload " << seen.payload.size() << " bytes";
  if (!seen.payload.empty()) os << " from " << unsigned{seen.payload.front()};
  return os << "}";
}

struct Outcome {
  std::vector<Seen> messages;
  std::string error;  // "code: message", empty when every feed succeeded
  uint32_t chunk_size = 0;
};

Outcome feed_in_steps(const Bytes& bytes, size_t step, ChunkReaderLimits limits) {
  ChunkReader reader(limits);
  Outcome out;
  for (size_t pos = 0; pos < bytes.size() && out.error.empty(); pos += step) {
    // Each piece in a buffer of its own, as reads from a socket are: the reader must never
    // reach back into an earlier feed's memory (ASan catches a read before this buffer).
    const Bytes piece(bytes.begin() + static_cast<ptrdiff_t>(pos),
                      bytes.begin() + static_cast<ptrdiff_t>(std::min(pos + step, bytes.size())));
    auto fed = reader.feed(piece);
    while (auto m = reader.next()) {
      out.messages.push_back(
          {m->chunk_stream_id, m->type_id, m->message_stream_id, m->timestamp, m->payload});
    }
    if (!fed) {
      out.error = std::string(to_string(fed.error().code)) + ": " + fed.error().message;
    }
  }
  out.chunk_size = reader.chunk_size();
  return out;
}

// Feeds `bytes` at once, then byte by byte and in other small steps: all must agree.
Outcome decode(const Bytes& bytes, ChunkReaderLimits limits = {}) {
  Outcome whole = feed_in_steps(bytes, std::max<size_t>(bytes.size(), 1), limits);
  for (size_t step : {1, 2, 3, 7, 64}) {
    INFO("fed " << step << " bytes at a time");
    Outcome stepped = feed_in_steps(bytes, step, limits);
    CHECK(stepped.messages == whole.messages);
    CHECK(stepped.error == whole.error);
    CHECK(stepped.chunk_size == whole.chunk_size);
  }
  return whole;
}

// A type-0 chunk header on a one-byte basic header (5.3.1.2.1), for tests about other things.
Bytes type0(uint8_t csid, uint32_t length, uint8_t type, uint8_t stream) {
  // clang-format off
  return {csid, 0x00, 0x00, 0x00, static_cast<uint8_t>(length >> 16),
          static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length), type, stream,
          0x00, 0x00, 0x00};
  // clang-format on
}

}  // namespace

TEST_CASE("chunk reader decodes the spec's audio example: type 0, then type 2, then type 3") {
  const Bytes a1 = pattern(32, 0x10), a2 = pattern(32, 0x30), a3 = pattern(32, 0x50), a4 = pattern(32, 0x70);
  // RTMP spec 5.3.2.1: chunk stream 3, message stream 12345 (little-endian 39 30 00 00).
  const Bytes wire = join({{0x03, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x20, 0x08, 0x39, 0x30, 0x00, 0x00},
                           a1,
                           {0x83, 0x00, 0x00, 0x14},  // type 2: delta 20
                           a2,
                           {0xC3},  // type 3: the delta 20 again
                           a3,
                           {0xC3},
                           a4});
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{3, 8, 12345, 1000, a1},
                                          {3, 8, 12345, 1020, a2},
                                          {3, 8, 12345, 1040, a3},
                                          {3, 8, 12345, 1060, a4}});
}

TEST_CASE("chunk reader joins the spec's 307-byte video message split across type-3 chunks") {
  const Bytes video = pattern(307, 0x01);
  // RTMP spec 5.3.2.2: chunk size 128, so chunks of 128, 128 and 51 bytes.
  const Bytes wire = join({{0x04, 0x00, 0x03, 0xE8, 0x00, 0x01, 0x33, 0x09, 0x3A, 0x30, 0x00, 0x00},
                           slice(video, 0, 128),
                           {0xC4},
                           slice(video, 128, 256),
                           {0xC4},
                           slice(video, 256, 307)});
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{4, 9, 12346, 1000, video}});
}

TEST_CASE("chunk reader takes a type-1 header's delta, length and type, keeping the stream id") {
  const Bytes data = pattern(3, 0x10), c1 = pattern(5, 0x20), c2 = pattern(5, 0x30);
  const Bytes wire = join({{0x05, 0x00, 0x00, 0x64, 0x00, 0x00, 0x03, 0x12, 0x01, 0x00, 0x00, 0x00},
                           data,
                           {0x45, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x05, 0x14},  // type 1: +10, 5 bytes
                           c1,
                           {0xC5},  // type 3: +10, 5 bytes, type 20 again
                           c2});
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{5, 18, 1, 100, data}, {5, 20, 1, 110, c1}, {5, 20, 1, 120, c2}});
}

TEST_CASE("a type-3 header right after a type-0 header adds the type-0 timestamp again") {
  // RTMP spec 5.3.1.2.4: "the timestamp delta for this Type 3 chunk is the same as the
  // timestamp of the Type 0 chunk", as FFmpeg and librtmp read it.
  const Bytes wire =
      join({{0x03, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x02, 0x08, 0x01, 0x00, 0x00, 0x00, 0xA1, 0xA2},
            {0xC3, 0xB1, 0xB2}});
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{3, 8, 1, 1000, {0xA1, 0xA2}}, {3, 8, 1, 2000, {0xB1, 0xB2}}});
}

TEST_CASE("message stream id is read little-endian") {
  const Bytes wire = {0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x14, 0x01, 0x02, 0x03, 0x04, 0xEE};
  const Outcome out = decode(wire);
  REQUIRE(out.messages.size() == 1);
  CHECK(out.messages[0].stream == 0x04030201);
}

TEST_CASE("an extended timestamp in a type-0 header is absolute and repeated on continuations") {
  const Bytes video = pattern(200, 0x10);
  const Bytes wire = join({{0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xC8, 0x09, 0x01, 0x00, 0x00, 0x00, 0x01,
                            0x02, 0x03, 0x04},  // extended: 0x01020304
                           slice(video, 0, 128),
                           {0xC4, 0x01, 0x02, 0x03, 0x04},  // repeated, as FFmpeg writes it
                           slice(video, 128, 200)});
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{4, 9, 1, 0x01020304, video}});
}

TEST_CASE("a continuation chunk without the repeated extended timestamp is read as payload") {
  const Bytes video = pattern(200, 0x10);
  const Bytes header = {0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xC8, 0x09,
                        0x01, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04};
  SECTION("when the payload starts with other bytes") {
    const Bytes wire = join({header, slice(video, 0, 128), {0xC4}, slice(video, 128, 200)});
    const Outcome out = decode(wire);
    REQUIRE(out.error.empty());
    CHECK(out.messages == std::vector<Seen>{{4, 9, 1, 0x01020304, video}});
  }
  SECTION("when the payload is 2 bytes that match the field's start, then a new chunk") {
    Bytes tailed = slice(video, 0, 130);
    tailed[128] = 0x01;
    tailed[129] = 0x02;  // then 0x03 of the next basic header matches too; 0x00 does not
    Bytes first = header;
    first[6] = 130;
    const Bytes wire = join({first, slice(tailed, 0, 128), {0xC4, 0x01, 0x02}, type0(3, 1, 0x08, 1), {0x55}});
    const Outcome out = decode(wire);
    REQUIRE(out.error.empty());
    CHECK(out.messages == std::vector<Seen>{{4, 9, 1, 0x01020304, tailed}, {3, 8, 1, 0, {0x55}}});
  }
}

TEST_CASE("a cut continuation header whose held bytes turn out to be payload keeps them (fuzz find)") {
  // Found by fuzz/rtmp_chunks: the feed ends 2 bytes into what may be a repeated extended
  // timestamp; the next byte differs, so the header was the basic byte alone and the 2 held
  // bytes are payload. They used to be skipped by reaching back before the new feed's buffer.
  const Bytes header = {0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xC8, 0x09,
                        0x01, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04};
  Bytes video = pattern(200, 0x10);
  video[128] = 0x01;
  video[129] = 0x02;
  video[130] = 0x99;
  ChunkReader reader;
  REQUIRE(reader.feed(join({header, slice(video, 0, 128), {0xC4}, slice(video, 128, 130)})));
  REQUIRE_FALSE(reader.next());
  REQUIRE(reader.feed(slice(video, 130, 200)));
  auto message = reader.next();
  REQUIRE(message);
  CHECK(message->timestamp == 0x01020304);
  CHECK(message->payload == video);
}

TEST_CASE("an extended delta in a type-2 header adds all 32 bits, and a type-3 header repeats it") {
  const Bytes wire =
      join({{0x04, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x02, 0x09, 0x01, 0x00, 0x00, 0x00, 0xA1, 0xA2},
            {0x84, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x00, 0xB1, 0xB2},  // delta 0x01000000
            {0xC4, 0x01, 0x00, 0x00, 0x00, 0xC1, 0xC2}});                  // a new message carries the field
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{4, 9, 1, 1000, {0xA1, 0xA2}},
                                          {4, 9, 1, 1000 + 0x01000000, {0xB1, 0xB2}},
                                          {4, 9, 1, 1000 + 0x02000000, {0xC1, 0xC2}}});
}

TEST_CASE("timestamps wrap modulo 2^32") {
  const Bytes wire = join(
      {{0x04, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0x09, 0x01, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xF0, 0xA1},
       {0x84, 0x00, 0x00, 0x20, 0xB1}});  // type 2: +0x20, no extended field
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{4, 9, 1, 0xFFFFFFF0, {0xA1}}, {4, 9, 1, 0x10, {0xB1}}});
}

TEST_CASE("set chunk size applies to the next chunk in the same buffer") {
  const Bytes video = pattern(300, 0x10);
  const Bytes set_256 = join({type0(2, 4, 0x01, 0), {0x00, 0x00, 0x01, 0x00}});
  const Bytes set_4096 = join({type0(2, 4, 0x01, 0), {0x00, 0x00, 0x10, 0x00}});
  SECTION("between messages") {
    const Bytes wire = join({set_256, type0(4, 200, 0x09, 1), slice(video, 0, 200)});
    const Outcome out = decode(wire);
    REQUIRE(out.error.empty());
    CHECK(out.chunk_size == 256);
    CHECK(out.messages ==
          std::vector<Seen>{{2, 1, 0, 0, {0x00, 0x00, 0x01, 0x00}}, {4, 9, 1, 0, slice(video, 0, 200)}});
  }
  SECTION("in the middle of another chunk stream's message") {
    // clang-format off
    const Bytes wire = join({type0(4, 300, 0x09, 1), slice(video, 0, 128), set_4096, {0xC4},
                             slice(video, 128, 300)});  // the other 172 bytes in one chunk
    const Outcome out = decode(wire);
    // clang-format on
    REQUIRE(out.error.empty());
    CHECK(out.chunk_size == 4096);
    CHECK(out.messages == std::vector<Seen>{{2, 1, 0, 0, {0x00, 0x00, 0x10, 0x00}}, {4, 9, 1, 0, video}});
  }
}

TEST_CASE("audio and video chunks interleave, each chunk stream keeping its partial message") {
  const Bytes a1 = pattern(200, 0x10), a2 = pattern(200, 0x40), video = pattern(300, 0x80);
  // clang-format off
  const Bytes wire = join({type0(4, 200, 0x08, 1), slice(a1, 0, 128),
                           type0(6, 300, 0x09, 1), slice(video, 0, 128),
                           {0xC4}, slice(a1, 128, 200),
                           {0xC6}, slice(video, 128, 256),
                           {0x84, 0x00, 0x00, 0x17}, slice(a2, 0, 128),  // next audio, +23
                           {0xC6}, slice(video, 256, 300),
                           {0xC4}, slice(a2, 128, 200)});
  // clang-format on
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{4, 8, 1, 0, a1}, {6, 9, 1, 0, video}, {4, 8, 1, 23, a2}});
}

TEST_CASE("2-byte and 3-byte basic headers carry chunk stream ids 64 to 65599") {
  const Bytes big = pattern(130, 0x10);
  const Bytes rest = {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00};
  // clang-format off
  const Bytes wire = join({{0x00, 0x00}, rest, {0x11},        // 64: one byte, id - 64
                           {0x00, 0xFF}, rest, {0x22},        // 319
                           {0x01, 0x00, 0x01}, rest, {0x33},  // 320: two bytes, low byte first
                           {0x01, 0xA8, 0x03}, rest, {0x44},  // 1000 = 64 + 0x03A8
                           {0x01, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x82, 0x08, 0x00,
                            0x00, 0x00, 0x00},  // 65599, a 130-byte message
                           slice(big, 0, 128),
                           {0xC1, 0xFF, 0xFF},  // its continuation in the 3-byte form
                           slice(big, 128, 130)});
  // clang-format on
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{64, 8, 0, 0, {0x11}},
                                          {319, 8, 0, 0, {0x22}},
                                          {320, 8, 0, 0, {0x33}},
                                          {1000, 8, 0, 0, {0x44}},
                                          {65599, 8, 0, 0, big}});
}

TEST_CASE("abort discards the partial message of the chunk stream it names") {
  // clang-format off
  const Bytes wire = join({type0(4, 300, 0x09, 1), pattern(128, 0x10),
                           type0(2, 4, 0x02, 0), {0x00, 0x00, 0x00, 0x04},  // abort stream 4
                           {0x04, 0x00, 0x00, 0x28, 0x00, 0x00, 0x03, 0x09, 0x01, 0x00, 0x00, 0x00,
                            0xD1, 0xD2, 0xD3}});  // a new type-0 message is allowed again
  const Outcome out = decode(wire);
  // clang-format on
  REQUIRE(out.error.empty());
  CHECK(out.messages ==
        std::vector<Seen>{{2, 2, 0, 0, {0x00, 0x00, 0x00, 0x04}}, {4, 9, 1, 40, {0xD1, 0xD2, 0xD3}}});
}

TEST_CASE("empty messages are delivered, also when a type-3 header starts them") {
  const Bytes wire = {0x03, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x00, 0xC3};
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{3, 18, 0, 10, {}}, {3, 18, 0, 20, {}}});
}

TEST_CASE("a type-1 header may open a chunk stream, as librtmp does for its pings") {
  // librtmp's RTMP_SendCtrl uses a type-1 header even on a fresh chunk stream 2 (SRS issue 98).
  const Bytes wire = {0x42, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x04, 0x00, 0x06, 0x00, 0x00, 0x0D, 0x0F};
  const Outcome out = decode(wire);
  REQUIRE(out.error.empty());
  CHECK(out.messages == std::vector<Seen>{{2, 4, 0, 0, {0x00, 0x06, 0x00, 0x00, 0x0D, 0x0F}}});
}

}  // namespace chunk_reader_test
