// FrameParser's refusals: every protocol error with its close code, limits decided from headers.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/websocket/frame_parser.hpp"
#include "tests/protocol/websocket/test_frames.hpp"

namespace {

using liverelay::Errc;
using liverelay::websocket::FrameLimits;
using liverelay::websocket::FrameParser;
using liverelay::websocket::kCloseMessageTooBig;
using liverelay::websocket::kCloseProtocolError;
using namespace liverelay::websocket::testing;

// Only the header of a masked binary frame declaring `length` bytes with a 64-bit length field.
Bytes header_only_64(uint64_t length) {
  Bytes header = {0x82, 0xFF};
  for (int i = 7; i >= 0; --i) header.push_back(static_cast<uint8_t>(length >> (8 * i)));
  header.insert(header.end(), kRfcMaskKey.begin(), kRfcMaskKey.end());
  return header;
}

}  // namespace

TEST_CASE("frame parser refuses what breaks RFC 6455 framing with 1002", "[websocket]") {
  struct Case {
    const char* what;
    Bytes input;
  };
  const std::vector<Case> cases = {
      {"the RFC's unmasked single-frame text", {0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}},
      {"the RFC's fragmented unmasked text", {0x01, 0x03, 'H', 'e', 'l', 0x80, 0x02, 'l', 'o'}},
      {"RSV1 set", client_frame(0xC1, "x")},
      {"RSV2 set", client_frame(0xA1, "x")},
      {"RSV3 set", client_frame(0x91, "x")},
      {"fragmented ping", client_frame(0x09, "x")},
      {"fragmented close", client_frame(0x08, "")},
      {"ping over 125 bytes", client_frame(0x89, std::string(126, 'p'))},
      {"close over 125 bytes", client_frame(0x88, std::string(200, 'c'))},
      {"continuation with no message started", client_frame(0x80, "x")},
      {"fragmented continuation with no message started", client_frame(0x00, "x")},
      {"text in the middle of a fragmented text", join({client_frame(0x01, "a"), client_frame(0x81, "b")})},
      {"binary in the middle of a fragmented text", join({client_frame(0x01, "a"), client_frame(0x02, "b")})},
      {"64-bit length with the top bit set", header_only_64(0x8000000000000000ull)},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const Outcome outcome = parse(c.input);
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.close_code == kCloseProtocolError);
    CHECK(outcome.messages.empty());
  }
}

TEST_CASE("frame parser refuses every opcode RFC 6455 leaves reserved with 1002", "[websocket]") {
  for (uint8_t opcode : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    INFO("opcode " << unsigned{opcode});
    const Outcome outcome = parse(client_frame(static_cast<uint8_t>(0x80 | opcode), "x"));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.close_code == kCloseProtocolError);
  }
}

TEST_CASE("frame parser refuses a declared length over the limit with 1009 before any payload",
          "[websocket]") {
  SECTION("a 100 KiB frame is refused on its 10 length bytes, mask not even in") {
    const Bytes header = header_only_64(100 * 1024);
    const Outcome outcome = parse(Bytes(header.begin(), header.begin() + 10));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.close_code == kCloseMessageTooBig);
  }
  SECTION("a 16-bit length one over the limit") {
    const Bytes frame = client_frame(0x82, Bytes(4097, 0));
    const Outcome outcome = parse(Bytes(frame.begin(), frame.begin() + 4));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.close_code == kCloseMessageTooBig);
  }
  SECTION("a 7-bit length over a small limit") {
    const Outcome outcome = parse({0x81, 0x80 | 101}, FrameLimits{100});
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.close_code == kCloseMessageTooBig);
  }
  SECTION("the largest 64-bit length without the top bit") {
    const Outcome outcome = parse(header_only_64(0x7FFFFFFFFFFFFFFFull));
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.close_code == kCloseMessageTooBig);
  }
  SECTION("a length with the top bit set is a protocol error whatever the limit") {
    const Outcome outcome = parse(header_only_64(0x8000000000000000ull), FrameLimits{SIZE_MAX});
    CHECK_FALSE(outcome.ok);
    CHECK(outcome.close_code == kCloseProtocolError);
  }
}

TEST_CASE("frame parser refuses fragments adding up to over the limit with 1009", "[websocket]") {
  const Bytes first = client_frame(0x01, std::string(3000, 'a'));
  const Bytes second = client_frame(0x80, std::string(1097, 'b'));
  const Outcome outcome =
      parse(join({first, client_frame(0x89, "p"), Bytes(second.begin(), second.begin() + 4)}));
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.close_code == kCloseMessageTooBig);
  CHECK(outcome.messages == std::vector<Seen>{{kPing, "p"}});  // control frames do not count
}

TEST_CASE("frame parser delivers the messages before an error, and the error is final", "[websocket]") {
  const Bytes input = join({client_frame(0x81, "one"), client_frame(0x89, "two"), client_frame(0xC1, "bad"),
                            client_frame(0x81, "after")});
  const Outcome outcome = parse(input);
  CHECK_FALSE(outcome.ok);
  CHECK(outcome.close_code == kCloseProtocolError);
  CHECK(outcome.messages == std::vector<Seen>{{kText, "one"}, {kPing, "two"}});

  FrameParser parser;
  std::vector<liverelay::websocket::Message> messages;
  auto first = parser.feed(client_frame(0x81, Bytes(5000, 'x')), messages);
  REQUIRE_FALSE(first);
  CHECK(first.error().code == Errc::over_limit);
  CHECK(first.error().message.rfind("websocket: ", 0) == 0);
  CHECK(first.error().message.find("5000") != std::string::npos);
  auto again = parser.feed(client_frame(0x81, "fine"), messages);
  REQUIRE_FALSE(again);
  CHECK(again.error().message == first.error().message);
  CHECK(messages.empty());
  CHECK(parser.close_code() == kCloseMessageTooBig);
}

TEST_CASE("frame parser reports no close code before an error, malformed for 1002", "[websocket]") {
  FrameParser parser;
  std::vector<liverelay::websocket::Message> messages;
  REQUIRE(parser.feed(client_frame(0x81, "ok"), messages));
  CHECK(parser.close_code() == 0);
  auto refused = parser.feed(Bytes{0x81, 0x02, 'h', 'i'}, messages);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::malformed);
  CHECK(refused.error().message == "websocket: unmasked client frame");
}
