// Tests for the HTTP/1.1 request parser: whole requests, pipelining, limits, byte-by-byte input.
#include "protocol/http/request_parser.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using liverelay::http::ParsedRequest;
using liverelay::http::RequestLimits;
using liverelay::http::RequestParser;

namespace {

std::span<const uint8_t> request_bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// Feeds all of `text` (at once or byte by byte) and collects every complete request.
std::vector<ParsedRequest> parse_all(RequestParser& parser, const std::string& text, bool byte_by_byte) {
  std::vector<ParsedRequest> requests;
  size_t offset = 0;
  for (int guard = 0; offset < text.size() && guard < 100000; ++guard) {
    const size_t length = byte_by_byte ? 1 : text.size() - offset;
    auto consumed = parser.feed(request_bytes(text).subspan(offset, length));
    REQUIRE(consumed);
    offset += *consumed;
    if (parser.complete()) requests.push_back(parser.take());
  }
  return requests;
}

}  // namespace

TEST_CASE("http parser reads a GET with its headers, at once and byte by byte", "[http]") {
  const std::string text =
      "GET /live/cam1/index.m3u8?_HLS_msn=3 HTTP/1.1\r\nHost: x\r\nUser-Agent: VLC/3.0\r\nX-Two: a\r\n\r\n";
  for (bool byte_by_byte : {false, true}) {
    RequestParser parser;
    auto requests = parse_all(parser, text, byte_by_byte);
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "GET");
    CHECK(requests[0].target == "/live/cam1/index.m3u8?_HLS_msn=3");
    CHECK(requests[0].header("user-agent") == "VLC/3.0");
    CHECK(requests[0].header("x-two") == "a");
    CHECK(requests[0].header("missing").empty());
    CHECK(requests[0].keep_alive);
    CHECK_FALSE(requests[0].upgrade);
  }
}

TEST_CASE("http parser stops after each pipelined request until it is taken", "[http]") {
  const std::string text = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  RequestParser parser;
  auto first = parser.feed(request_bytes(text));
  REQUIRE(first);
  CHECK(*first < text.size());
  REQUIRE(parser.complete());
  CHECK(parser.take().target == "/a");
  auto second = parser.feed(request_bytes(text).subspan(*first));
  REQUIRE(second);
  REQUIRE(parser.complete());
  const auto b = parser.take();
  CHECK(b.target == "/b");
  CHECK_FALSE(b.keep_alive);
}

TEST_CASE("http parser collects a POST body, by length and chunked", "[http]") {
  for (bool byte_by_byte : {false, true}) {
    RequestParser parser;
    auto requests = parse_all(parser,
                              "POST /c HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
                              "POST /d HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                              byte_by_byte);
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].body == "hello");
    CHECK(requests[1].body == "abcde");
  }
}

TEST_CASE("http parser marks a WebSocket upgrade and leaves the rest unread", "[http]") {
  const std::string head =
      "GET /live/a/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
  const std::string text = head + "\x81\x80";
  RequestParser parser;
  auto consumed = parser.feed(request_bytes(text));
  REQUIRE(consumed);
  CHECK(*consumed == head.size());
  REQUIRE(parser.complete());
  CHECK(parser.take().upgrade);
}

TEST_CASE("http parser refuses what is over its limits with the status to answer", "[http]") {
  RequestLimits limits;
  limits.max_head_bytes = 256;
  limits.max_body_bytes = 16;
  limits.max_headers = 4;
  SECTION("head too large: 431") {
    RequestParser parser(limits);
    const std::string text = "GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n";
    CHECK_FALSE(parser.feed(request_bytes(text)));
    CHECK(parser.error_status() == 431);
  }
  SECTION("too many headers: 431") {
    RequestParser parser(limits);
    CHECK_FALSE(parser.feed(request_bytes("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n\r\n")));
    CHECK(parser.error_status() == 431);
  }
  SECTION("declared body too large: 413") {
    RequestParser parser(limits);
    CHECK_FALSE(parser.feed(request_bytes("POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n")));
    CHECK(parser.error_status() == 413);
  }
  SECTION("chunked body growing too large: 413") {
    RequestParser parser(limits);
    CHECK_FALSE(parser.feed(request_bytes("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n11\r\n" +
                                          std::string(17, 'x') + "\r\n0\r\n\r\n")));
    CHECK(parser.error_status() == 413);
  }
}

TEST_CASE("http parser refuses malformed and smuggling-shaped requests with 400", "[http]") {
  const char* bad[] = {
      "GARBAGE\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
      // RFC 9112 5.1: whitespace between a field name and its colon (a proxy may read the
      // body's length differently).
      "POST / HTTP/1.1\r\nContent-Length : 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nContent-Length\t: 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
  };
  for (const char* text : bad) {
    RequestParser parser;
    auto consumed = parser.feed(request_bytes(text));
    INFO(text);
    CHECK_FALSE(consumed);
    CHECK(parser.error_status() == 400);
    CHECK_FALSE(parser.feed(request_bytes("GET / HTTP/1.1\r\n\r\n")));  // an error is final
  }
}
