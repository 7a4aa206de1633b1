// FrameParser on the RFC 6455 5.7 examples and on fragmented input; parse_close_payload.
#include "protocol/websocket/frame_parser.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/protocol/websocket/test_frames.hpp"

namespace {

using liverelay::Errc;
using liverelay::websocket::FrameLimits;
using liverelay::websocket::FrameParser;
using liverelay::websocket::parse_close_payload;
using namespace liverelay::websocket::testing;

const Bytes kHello = bytes_of("Hello");

Bytes pattern(size_t size) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(i * 7 + 3);
  return out;
}

std::string text_of(const Bytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

TEST_CASE("frame parser reads the RFC's masked single-frame text", "[websocket]") {
  const Bytes frame = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  const Outcome outcome = parse(frame);
  CHECK(outcome.ok);
  CHECK(outcome.messages == std::vector<Seen>{{kText, "Hello"}});
}

TEST_CASE("frame parser reads a masked ping and the RFC's masked pong as sent", "[websocket]") {
  const Bytes ping = mask_frame(join({{0x89, 0x05}, kHello}));  // the RFC's unmasked ping, masked
  const Bytes pong = {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  const Outcome outcome = parse(join({ping, pong}));
  CHECK(outcome.ok);
  CHECK(outcome.messages == std::vector<Seen>{{kPing, "Hello"}, {kPong, "Hello"}});
}

TEST_CASE("frame parser reads the RFC's 256-byte and 64 KiB binary frames when the limit allows",
          "[websocket]") {
  const Bytes small = pattern(256);
  const Bytes large = pattern(65536);
  const Bytes small_frame = mask_frame(join({{0x82, 0x7E, 0x01, 0x00}, small}));
  const Bytes large_frame = mask_frame(join({{0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}, large}));
  REQUIRE(small_frame.size() == 4 + 4 + 256);     // 16-bit length
  REQUIRE(large_frame.size() == 10 + 4 + 65536);  // 64-bit length
  const Outcome outcome = parse(join({small_frame, large_frame}), FrameLimits{65536});
  CHECK(outcome.ok);
  CHECK(outcome.messages == std::vector<Seen>{{kBinary, text_of(small)}, {kBinary, text_of(large)}});
}

TEST_CASE("frame parser joins fragments and passes control frames sent between them", "[websocket]") {
  // Each frame with its own key: the mask restarts with every frame's payload.
  const Bytes input = join({
      client_frame(0x01, "Hel", {0x01, 0x02, 0x03, 0x04}),  // text, FIN clear
      client_frame(0x89, "are you there", {0xAA, 0xBB, 0xCC, 0xDD}),
      client_frame(0x00, "l", {0x10, 0x20, 0x30, 0x40}),  // continuation, FIN clear
      client_frame(0x8A, ""),
      client_frame(0x80, "o", {0xFF, 0x00, 0xFF, 0x00}),  // continuation, FIN set
      client_frame(0x02, Bytes{0x00, 0x01}),              // binary, FIN clear
      client_frame(0x88, Bytes{0x03, 0xE8}),              // close between the fragments
      client_frame(0x80, Bytes{0x02}),
  });
  const Outcome outcome = parse(input);
  CHECK(outcome.ok);
  CHECK(outcome.messages == std::vector<Seen>{{kPing, "are you there"},
                                              {kPong, ""},
                                              {kText, "Hello"},
                                              {kClose, "\x03\xE8"},
                                              {kBinary, std::string("\x00\x01\x02", 3)}});
}

TEST_CASE("frame parser gives the same messages wherever the input is split", "[websocket]") {
  const Bytes input = join({client_frame(0x01, "frag"), client_frame(0x89, "p"), client_frame(0x80, "mented"),
                            client_frame(0x82, pattern(300)), client_frame(0x81, "")});
  const Outcome whole = parse(input);
  REQUIRE(whole.ok);
  REQUIRE(whole.messages.size() == 4);
  for (size_t split = 1; split < input.size(); ++split) {
    FrameParser parser;
    std::vector<liverelay::websocket::Message> messages;
    REQUIRE(parser.feed(std::span<const uint8_t>(input).first(split), messages));
    REQUIRE(parser.feed(std::span<const uint8_t>(input).subspan(split), messages));
    INFO("split at " << split);
    REQUIRE(messages.size() == whole.messages.size());
    for (size_t i = 0; i < messages.size(); ++i) CHECK(messages[i].payload == whole.messages[i].payload);
  }
}

TEST_CASE("frame parser delivers an empty frame as soon as its header is in", "[websocket]") {
  FrameParser parser;
  std::vector<liverelay::websocket::Message> messages;
  const Bytes empty_text = client_frame(0x81, "");
  REQUIRE(empty_text.size() == 6);
  REQUIRE(parser.feed(empty_text, messages));
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].opcode == liverelay::websocket::Opcode::text);
  CHECK(messages[0].payload.empty());
  REQUIRE(parser.feed(client_frame(0x88, ""), messages));
  REQUIRE(messages.size() == 2);
  CHECK(messages[1].opcode == liverelay::websocket::Opcode::close);
}

TEST_CASE("frame parser accepts a message of exactly the limit, whole or reassembled", "[websocket]") {
  const FrameLimits limits{1000};
  const Outcome whole = parse(client_frame(0x82, pattern(1000)), limits);
  CHECK(whole.ok);
  CHECK(whole.messages == std::vector<Seen>{{kBinary, text_of(pattern(1000))}});
  const Outcome reassembled =
      parse(join({client_frame(0x01, std::string(600, 'a')), client_frame(0x89, std::string(125, 'p')),
                  client_frame(0x80, std::string(400, 'b'))}),
            limits);
  CHECK(reassembled.ok);
  CHECK(reassembled.messages == std::vector<Seen>{{kPing, std::string(125, 'p')},
                                                  {kText, std::string(600, 'a') + std::string(400, 'b')}});
}

TEST_CASE("close payload parsing: code and reason, 1005 for none", "[websocket]") {
  auto normal =
      parse_close_payload(std::string("\x03\xE8"
                                      "bye",
                                      5));
  REQUIRE(normal);
  CHECK(normal->code == 1000);
  CHECK(normal->reason == "bye");

  auto empty = parse_close_payload("");
  REQUIRE(empty);
  CHECK(empty->code == 1005);
  CHECK(empty->reason.empty());

  auto one_byte = parse_close_payload(std::string("\x03", 1));
  REQUIRE_FALSE(one_byte);
  CHECK(one_byte.error().code == Errc::malformed);
}

TEST_CASE("close payload parsing refuses the codes no endpoint may send", "[websocket]") {
  auto code_payload = [](unsigned code) {
    return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  };
  for (unsigned code : {0u, 999u, 1004u, 1005u, 1006u, 1015u, 1016u, 2000u, 2999u, 5000u, 65535u}) {
    INFO("code " << code);
    auto parsed = parse_close_payload(code_payload(code));
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().message.find(std::to_string(code)) != std::string::npos);
  }
  for (unsigned code : {1000u, 1001u, 1002u, 1003u, 1007u, 1008u, 1009u, 1010u, 1011u, 1014u, 3000u, 4999u}) {
    INFO("code " << code);
    auto parsed = parse_close_payload(code_payload(code));
    REQUIRE(parsed);
    CHECK(parsed->code == code);
  }
}
