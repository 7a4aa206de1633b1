// Server frame writing: header sizes, the RFC 6455 5.7 unmasked examples, close frames.
#include "protocol/websocket/frame.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "protocol/websocket/frame_parser.hpp"
#include "tests/protocol/websocket/test_frames.hpp"

namespace {

using liverelay::websocket::make_close_frame;
using liverelay::websocket::make_frame;
using liverelay::websocket::make_text_frame;
using liverelay::websocket::Opcode;
using liverelay::websocket::parse_close_payload;
using liverelay::websocket::write_frame_header;
using namespace liverelay::websocket::testing;

Bytes header_of(Opcode opcode, uint64_t length) {
  std::array<uint8_t, 10> out{};
  const size_t size = write_frame_header(opcode, length, out);
  return Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size));
}

// The reason a close frame carries (the frame is small: a 2-byte header, 2 code bytes).
std::string reason_in(const Bytes& frame) {
  return std::string(frame.begin() + 4, frame.end());
}

}  // namespace

TEST_CASE("frame header takes 2, 4 or 10 bytes with the minimal length encoding", "[websocket]") {
  CHECK(header_of(Opcode::binary, 0) == Bytes{0x82, 0x00});
  CHECK(header_of(Opcode::binary, 125) == Bytes{0x82, 125});
  CHECK(header_of(Opcode::binary, 126) == Bytes{0x82, 126, 0x00, 0x7E});
  CHECK(header_of(Opcode::binary, 65535) == Bytes{0x82, 126, 0xFF, 0xFF});
  CHECK(header_of(Opcode::binary, 65536) == Bytes{0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00});
  CHECK(header_of(Opcode::text, 0x0102030405ull) == Bytes{0x81, 127, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05});
  CHECK(header_of(Opcode::ping, 5) == Bytes{0x89, 5});
  CHECK(header_of(Opcode::pong, 5) == Bytes{0x8A, 5});
  CHECK(header_of(Opcode::close, 2) == Bytes{0x88, 2});
}

TEST_CASE("server frames match the RFC's unmasked examples", "[websocket]") {
  CHECK(make_text_frame("Hello") == Bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});
  CHECK(make_frame(Opcode::ping, bytes_of("Hello")) == Bytes{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f});

  const Bytes small(256, 0xAB);
  const Bytes small_frame = make_frame(Opcode::binary, small);
  CHECK(Bytes(small_frame.begin(), small_frame.begin() + 4) == Bytes{0x82, 0x7E, 0x01, 0x00});
  CHECK(Bytes(small_frame.begin() + 4, small_frame.end()) == small);

  const Bytes large(65536, 0xCD);
  const Bytes large_frame = make_frame(Opcode::binary, large);
  CHECK(Bytes(large_frame.begin(), large_frame.begin() + 10) ==
        Bytes{0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00});
  CHECK(Bytes(large_frame.begin() + 10, large_frame.end()) == large);
}

TEST_CASE("a close frame carries the code in network order and the reason", "[websocket]") {
  CHECK(make_close_frame(1000, "bye") == Bytes{0x88, 0x05, 0x03, 0xE8, 'b', 'y', 'e'});
  CHECK(make_close_frame(1009, "") == Bytes{0x88, 0x02, 0x03, 0xF1});
  // What we send reads back through a client's eyes: masked and parsed as it arrives here.
  const Outcome outcome = parse(mask_frame(make_close_frame(4001, "room closed")));
  REQUIRE(outcome.ok);
  REQUIRE(outcome.messages.size() == 1);
  auto request = parse_close_payload(outcome.messages[0].payload);
  REQUIRE(request);
  CHECK(request->code == 4001);
  CHECK(request->reason == "room closed");
}

TEST_CASE("a close frame's reason is cut to 123 bytes at a UTF-8 boundary", "[websocket]") {
  const std::string e_acute = "\xC3\xA9";           // 2 bytes
  const std::string euro = "\xE2\x82\xAC";          // 3 bytes
  const std::string grinning = "\xF0\x9F\x98\x80";  // 4 bytes

  SECTION("ASCII is cut at 123 bytes, a payload of 125") {
    const Bytes frame = make_close_frame(1008, std::string(200, 'a'));
    CHECK(frame[1] == 125);
    CHECK(reason_in(frame) == std::string(123, 'a'));
  }
  SECTION("a reason of exactly 123 bytes ending in a 2-byte character is kept whole") {
    const std::string reason = std::string(121, 'a') + e_acute;
    CHECK(reason_in(make_close_frame(1008, reason)) == reason);
  }
  SECTION("a 2-byte character across the cut is left out") {
    const Bytes frame = make_close_frame(1008, std::string(122, 'a') + e_acute + "tail");
    CHECK(frame[1] == 2 + 122);
    CHECK(reason_in(frame) == std::string(122, 'a'));
  }
  SECTION("a 3-byte character across the cut is left out") {
    CHECK(reason_in(make_close_frame(1008, std::string(121, 'a') + euro)) == std::string(121, 'a'));
    CHECK(reason_in(make_close_frame(1008, std::string(122, 'a') + euro)) == std::string(122, 'a'));
  }
  SECTION("a 4-byte character across the cut is left out") {
    for (size_t ascii = 120; ascii <= 122; ++ascii) {
      INFO(ascii << " ASCII bytes first");
      CHECK(reason_in(make_close_frame(1008, std::string(ascii, 'a') + grinning + grinning)) ==
            std::string(ascii, 'a'));
    }
  }
  SECTION("a reason of nothing but 4-byte characters keeps 30 of them") {
    std::string reason;
    for (int i = 0; i < 40; ++i) reason += grinning;
    const Bytes frame = make_close_frame(1008, reason);
    CHECK(frame[1] == 2 + 120);
    CHECK(reason_in(frame) == reason.substr(0, 120));
  }
}
