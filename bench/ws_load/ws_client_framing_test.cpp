// Self-check of ws_load's RFC 6455 client framing, server message scan and latency histogram.
#include "ws_client_framing.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "latency_histogram.hpp"
#include "server_message.hpp"

using namespace ws_load;

namespace {

std::vector<uint8_t> bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

std::string server_frame(uint8_t first, std::string_view payload) {  // unmasked, any length
  std::string out(1, static_cast<char>(first));
  size_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else if (n <= 0xFFFF) {
    out += {static_cast<char>(126), static_cast<char>(n >> 8), static_cast<char>(n & 0xFF)};
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  }
  return out + std::string(payload);
}

struct Collected {
  std::vector<std::pair<Opcode, std::string>> messages;
  bool ok = true;
};

Collected read_all(std::string_view wire, size_t chunk) {
  FrameReader reader(1 << 20);
  Collected got;
  for (size_t at = 0; at < wire.size(); at += chunk) {
    auto part = bytes(wire.substr(at, chunk));
    got.ok = reader.feed(part, [&](const Message& m) { got.messages.emplace_back(m.opcode, m.payload); }) &&
             got.ok;
  }
  return got;
}

}  // namespace

TEST_CASE("accept value matches the RFC 6455 section 1.3 example") {
  CHECK(accept_for_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  CHECK(make_client_key(1, 2).size() == 24);
}

TEST_CASE("a masked Hello is byte for byte the RFC 6455 section 5.7 example") {
  std::string frame = client_frame(Opcode::kText, "Hello", 0x37fa213d);
  CHECK(bytes(frame) ==
        std::vector<uint8_t>{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58});
}

TEST_CASE("client frames use 16-bit and 64-bit lengths past 125 and 65535 bytes") {
  std::string mid = client_frame(Opcode::kText, std::string(300, 'a'), 0);
  CHECK(static_cast<uint8_t>(mid[1]) == (0x80 | 126));
  CHECK(((static_cast<uint8_t>(mid[2]) << 8) | static_cast<uint8_t>(mid[3])) == 300);
  CHECK(mid.size() == 2 + 2 + 4 + 300);
  std::string big = client_frame(Opcode::kBinary, std::string(70000, 'b'), 0x01020304);
  CHECK(static_cast<uint8_t>(big[1]) == (0x80 | 127));
  CHECK(big.size() == 2 + 8 + 4 + 70000);
  CHECK(static_cast<uint8_t>(big[14]) == ('b' ^ 0x01));  // masked with the key's first byte
}

TEST_CASE("frame reader gives the same messages whole and byte by byte") {
  std::string wire = server_frame(0x81, "Hello") + server_frame(0x81, std::string(200, 'x')) +
                     server_frame(0x82, std::string(70000, 'y')) + server_frame(0x89, "ping!");
  for (size_t chunk : {wire.size(), size_t{1}, size_t{7}, size_t{4096}}) {
    Collected got = read_all(wire, chunk);
    REQUIRE(got.ok);
    REQUIRE(got.messages.size() == 4);
    CHECK(got.messages[0].second == "Hello");
    CHECK(got.messages[1].second.size() == 200);
    CHECK(got.messages[2].first == Opcode::kBinary);
    CHECK(got.messages[2].second.size() == 70000);
    CHECK(got.messages[3] == std::pair<Opcode, std::string>{Opcode::kPing, "ping!"});
  }
}

TEST_CASE("frame reader joins fragments around an interleaved ping (RFC 6455 5.6)") {
  std::string wire = server_frame(0x01, "Hel") + server_frame(0x89, "") + server_frame(0x80, "lo");
  Collected got = read_all(wire, 1);
  REQUIRE(got.ok);
  REQUIRE(got.messages.size() == 2);
  CHECK(got.messages[0].first == Opcode::kPing);
  CHECK(got.messages[1] == std::pair<Opcode, std::string>{Opcode::kText, "Hello"});
}

TEST_CASE("frame reader refuses masked, oversize control and reserved-opcode frames") {
  CHECK_FALSE(read_all(client_frame(Opcode::kText, "Hi", 1), 64).ok);
  CHECK_FALSE(read_all(server_frame(0x89, std::string(126, 'p')), 64).ok);
  CHECK_FALSE(read_all(server_frame(0x83, "x"), 64).ok);
  CHECK_FALSE(read_all(server_frame(0x80, "orphan continuation"), 64).ok);
}

TEST_CASE("upgrade answer is accepted only with 101 and the right accept value") {
  std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  std::string good =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
  auto accepted = parse_upgrade_answer(good + "\x81\x02hi", key);
  CHECK(accepted.status == UpgradeAnswer::Status::kAccepted);
  CHECK(accepted.header_bytes == good.size());
  CHECK(parse_upgrade_answer(good.substr(0, 40), key).status == UpgradeAnswer::Status::kIncomplete);
  auto refused = parse_upgrade_answer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", key);
  CHECK(refused.status == UpgradeAnswer::Status::kRefused);
  CHECK(refused.reason == "HTTP/1.1 404 Not Found");
  auto wrong = parse_upgrade_answer(good, "AAAAAAAAAAAAAAAAAAAAAA==");
  CHECK(wrong.reason == "wrong Sec-WebSocket-Accept");
  CHECK(upgrade_request("127.0.0.1:9", "/live/a/ws", key).find("Sec-WebSocket-Key: " + key + "\r\n") !=
        std::string::npos);
}

TEST_CASE("server message scan reads top-level fields in any key order") {
  auto anchor = scan_server_message(R"({"type":"comment","id":3,"user":"v1","text":"t=123 s=4","ts":17})");
  CHECK(anchor.type == MessageType::kComment);
  CHECK(sent_ns_of(anchor.text) == 123u);
  auto sorted = scan_server_message(R"({"id":3,"text":"t=99 s=0","ts":1,"type":"comment","user":"a\"b"})");
  CHECK(sorted.type == MessageType::kComment);
  CHECK(sent_ns_of(sorted.text) == 99u);
  auto history = scan_server_message(
      R"({"comments":[{"type":"comment","text":"t=1 s=0"},{"text":"}\"]"}],"type":"history"})");
  CHECK(history.type == MessageType::kHistory);
  CHECK(history.text.empty());
  auto error = scan_server_message(R"({"type":"error","code":"rate_limited","message":"slow down"})");
  CHECK(error.type == MessageType::kError);
  CHECK(error.code == "rate_limited");
  CHECK(scan_server_message(R"({ "type" : "viewers", "count" : 42 })").count == 42);
  CHECK_FALSE(sent_ns_of("hello t=5").has_value());
  CHECK(comment_text(777, 3) == "t=777 s=3");
}

TEST_CASE("latency histogram quantiles stay within 2 percent") {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100000; ++v) h.record(v * 1000);  // 1 us .. 100 ms
  CHECK(h.count() == 100000);
  CHECK(h.max() == 100000000);
  CHECK(h.quantile(0.5) == Approx(50000000).epsilon(0.02));
  CHECK(h.quantile(0.99) == Approx(99000000).epsilon(0.02));
  LatencyHistogram other;
  other.record(5);
  h.merge(other);
  CHECK(h.count() == 100001);
}
