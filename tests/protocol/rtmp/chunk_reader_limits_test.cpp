// ChunkReader's bounds and rejections: limits, malformed headers, truncated input, byte counts.
#include <algorithm>
#include <catch2/catch.hpp>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/rtmp/chunk_reader.hpp"
#include "tests/protocol/rtmp/test_bytes.hpp"

// Outcome, decode and the like are also the names of chunk_reader_test.cpp and of the WebSocket
// tests' helpers: a namespace of its own keeps each file's apart when a unity build compiles them
// as one.
namespace chunk_reader_limits_test {
namespace {

using liverelay::Errc;
using liverelay::rtmp::ChunkReader;
using liverelay::rtmp::ChunkReaderLimits;
using liverelay::testing::Bytes;
using liverelay::testing::join;

struct Outcome {
  size_t messages = 0;
  std::optional<Errc> code;
  std::string message;
};

Outcome feed_in_steps(const Bytes& bytes, size_t step, ChunkReaderLimits limits) {
  ChunkReader reader(limits);
  Outcome out;
  for (size_t pos = 0; pos < bytes.size() && !out.code; pos += step) {
    auto fed = reader.feed(std::span(bytes).subspan(pos, std::min(step, bytes.size() - pos)));
    while (reader.next()) ++out.messages;
    if (!fed) {
      out.code = fed.error().code;
      out.message = fed.error().message;
    }
  }
  return out;
}

// The outcome of feeding `bytes` at once, checked to be the same when fed byte by byte.
Outcome decode(const Bytes& bytes, ChunkReaderLimits limits = {}) {
  Outcome whole = feed_in_steps(bytes, std::max<size_t>(bytes.size(), 1), limits);
  Outcome bytewise = feed_in_steps(bytes, 1, limits);
  CHECK(bytewise.messages == whole.messages);
  CHECK(bytewise.code == whole.code);
  CHECK(bytewise.message == whole.message);
  return whole;
}

Bytes type0(uint8_t csid, uint32_t length, uint8_t type) {
  // clang-format off
  return {csid, 0x00, 0x00, 0x00, static_cast<uint8_t>(length >> 16),
          static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length), type, 0x01,
          0x00, 0x00, 0x00};
  // clang-format on
}

Bytes set_chunk_size(Bytes value) {
  return join({type0(2, 4, 0x01), value});
}

}  // namespace

TEST_CASE("a message longer than max_message_size is rejected with its chunk stream and length") {
  ChunkReaderLimits limits;
  limits.max_message_size = 1000;
  SECTION("in a type-0 header") {
    const Outcome out = decode(type0(4, 1001, 0x09), limits);
    CHECK(out.code == Errc::over_limit);
    CHECK(out.message == "chunk stream 4: message length 1001 over limit 1000");
  }
  SECTION("in a type-1 header") {
    const Bytes wire = join({type0(4, 1, 0x09), {0xAA}, {0x44, 0x00, 0x00, 0x01, 0x00, 0x03, 0xE9, 0x09}});
    const Outcome out = decode(wire, limits);
    CHECK(out.messages == 1);
    CHECK(out.code == Errc::over_limit);
    CHECK(out.message == "chunk stream 4: message length 1001 over limit 1000");
  }
  SECTION("but a message of exactly the limit is read") {
    const Bytes wire = join({set_chunk_size({0x00, 0x00, 0x10, 0x00}), type0(4, 1000, 0x09),
                             Bytes(1000, 0xAB)});  // one chunk of 1000 bytes
    const Outcome out = decode(wire, limits);
    CHECK_FALSE(out.code);
    CHECK(out.messages == 2);
  }
}

TEST_CASE("more chunk streams than max_chunk_streams are rejected") {
  ChunkReaderLimits limits;
  limits.max_chunk_streams = 2;
  // clang-format off
  const Bytes wire = join({type0(3, 1, 0x14), {0x01}, type0(4, 1, 0x08), {0x02},
                           type0(3, 1, 0x14), {0x03},  // a known stream again: fine
                           type0(5, 1, 0x09), {0x04}});
  // clang-format on
  const Outcome out = decode(wire, limits);
  CHECK(out.messages == 3);
  CHECK(out.code == Errc::over_limit);
  CHECK(out.message == "chunk stream 5: over the limit of 2 chunk streams");
}

TEST_CASE("a type-2 or type-3 header on a chunk stream with no earlier header is malformed") {
  SECTION("type 2") {
    const Outcome out = decode({0x87, 0x00, 0x00, 0x0A, 0x01});
    CHECK(out.code == Errc::malformed);
    CHECK(out.message == "chunk stream 7: type-2 header with no earlier header (RTMP spec 5.3.1.2)");
  }
  SECTION("type 3, even after other chunk streams have started") {
    const Outcome out = decode(join({type0(3, 1, 0x14), {0x01}, {0xC7, 0x01}}));
    CHECK(out.messages == 1);
    CHECK(out.code == Errc::malformed);
    CHECK(out.message == "chunk stream 7: type-3 header with no earlier header (RTMP spec 5.3.1.2)");
  }
}

TEST_CASE("a type-0, type-1 or type-2 header inside a message is malformed") {
  const Bytes started = join({type0(4, 300, 0x09), Bytes(128, 0x10)});
  const Bytes header =
      GENERATE(Bytes{0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x2C, 0x09, 1, 0, 0, 0},
               Bytes{0x44, 0x00, 0x00, 0x00, 0x00, 0x01, 0x2C, 0x09}, Bytes{0x84, 0x00, 0x00, 0x00});
  const Outcome out = decode(join({started, header, Bytes(128, 0x20)}));
  CHECK(out.messages == 0);
  CHECK(out.code == Errc::malformed);
  CHECK(out.message.starts_with("chunk stream 4: type-" + std::to_string(header[0] >> 6) +
                                " header after 128 of 300 bytes of a message"));
}

TEST_CASE("truncated input waits: no error and no message until the last byte arrives") {
  // clang-format off
  const Bytes wire = join({type0(3, 32, 0x08), Bytes(32, 0x11), {0x83, 0x00, 0x00, 0x14},
                           Bytes(32, 0x22), type0(4, 307, 0x09), Bytes(128, 0x33), {0xC4},
                           Bytes(128, 0x44), {0xC4}, Bytes(51, 0x55)});
  // clang-format on
  REQUIRE(decode(wire).messages == 3);
  for (size_t cut = 0; cut < wire.size(); ++cut) {
    INFO("cut after " << cut << " bytes");
    const Outcome out = decode(Bytes(wire.begin(), wire.begin() + static_cast<ptrdiff_t>(cut)));
    CHECK_FALSE(out.code);
    CHECK(out.messages < 3);
  }
}

TEST_CASE("set chunk size must be 1..0x7FFFFFFF with 4 bytes of payload") {
  SECTION("0 is malformed") {
    const Outcome out = decode(set_chunk_size({0x00, 0x00, 0x00, 0x00}));
    CHECK(out.code == Errc::malformed);
    CHECK(out.message == "set chunk size 0 outside 1..2147483647 (RTMP spec 5.4.1)");
  }
  SECTION("the top bit set is malformed") {
    const Outcome out = decode(set_chunk_size({0x80, 0x00, 0x00, 0x01}));
    CHECK(out.code == Errc::malformed);
  }
  SECTION("a 2-byte payload is malformed") {
    const Outcome out = decode(join({type0(2, 2, 0x01), {0x10, 0x00}}));
    CHECK(out.code == Errc::malformed);
    CHECK(out.message == "set chunk size: control message of 2 bytes, expected 4");
  }
  SECTION("0x7FFFFFFF is the largest accepted") {
    ChunkReader reader;
    REQUIRE(reader.feed(set_chunk_size({0x7F, 0xFF, 0xFF, 0xFF})));
    CHECK(reader.chunk_size() == 0x7FFFFFFF);
  }
}

TEST_CASE("more completed messages than max_queued_messages is an error unless drained") {
  ChunkReaderLimits limits;
  limits.max_queued_messages = 2;
  const Bytes one = join({type0(3, 1, 0x14), {0x01}});
  const Bytes three = join({one, {0xC3, 0x02}, {0xC3, 0x03}});
  SECTION("fed at once") {
    ChunkReader reader(limits);
    auto fed = reader.feed(three);
    REQUIRE_FALSE(fed);
    CHECK(fed.error().code == Errc::over_limit);
    CHECK(fed.error().message == "over the limit of 2 messages waiting for next()");
  }
  SECTION("drained after each feed") {
    ChunkReader reader(limits);
    size_t messages = 0;
    for (size_t pos = 0; pos < three.size(); ++pos) {
      REQUIRE(reader.feed(std::span(three).subspan(pos, 1)));
      while (reader.next()) ++messages;
    }
    CHECK(messages == 3);
  }
}

TEST_CASE("bytes_received counts every fed byte, partial chunks included") {
  ChunkReader reader;
  const Bytes wire = join({type0(3, 200, 0x09), Bytes(128, 0x01), {0xC3}, Bytes(10, 0x02)});
  REQUIRE(reader.feed(std::span(wire).first(5)));
  CHECK(reader.bytes_received() == 5);
  REQUIRE(reader.feed(std::span(wire).subspan(5)));
  CHECK(reader.bytes_received() == wire.size());
  CHECK_FALSE(reader.next());  // 138 of 200 bytes: still waiting
}

TEST_CASE("after an error every feed returns the same error and nothing more is read") {
  ChunkReader reader;
  auto first = reader.feed(Bytes{0xC7});
  REQUIRE_FALSE(first);
  auto second = reader.feed(join({type0(3, 1, 0x14), {0x01}}));
  REQUIRE_FALSE(second);
  CHECK(second.error().code == first.error().code);
  CHECK(second.error().message == first.error().message);
  CHECK_FALSE(reader.next());
}

}  // namespace chunk_reader_limits_test
