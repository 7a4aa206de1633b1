// Self-check of ll_hls_park's HTTP/1.1 response reader: whole, split and pipelined answers.
#include "http_response_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace ll_hls_park;

namespace {

struct Seen {
  int status;
  bool keep_alive;
  std::string body;
};

// Feeds `wire` in pieces of `chunk` bytes; the responses seen, or an empty list and the error.
std::pair<std::vector<Seen>, std::string> read_all(std::string_view wire, size_t chunk) {
  HttpResponseReader reader;
  std::vector<Seen> seen;
  for (size_t at = 0; at < wire.size(); at += chunk) {
    std::string_view piece = wire.substr(at, chunk);
    bool ok = reader.feed({reinterpret_cast<const uint8_t*>(piece.data()), piece.size()},
                          [&](const HttpResponse& r) {
                            seen.push_back({r.status, r.keep_alive, std::string(r.body)});
                          });
    if (!ok) return {{}, reader.error()};
  }
  return {seen, ""};
}

const std::string kTwoAnswers =
    "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.apple.mpegurl\r\ncontent-length: 8\r\n\r\n#EXTM3U\n"
    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\nConnection: close\r\n\r\nlate\n";

}  // namespace

TEST_CASE("response reader yields pipelined answers with their bodies, whole or byte by byte") {
  for (size_t chunk : {kTwoAnswers.size(), size_t{1}, size_t{7}}) {
    auto [seen, error] = read_all(kTwoAnswers, chunk);
    INFO("chunk " << chunk);
    REQUIRE(error.empty());
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].status == 200);
    CHECK(seen[0].keep_alive);
    CHECK(seen[0].body == "#EXTM3U\n");
    CHECK(seen[1].status == 503);
    CHECK_FALSE(seen[1].keep_alive);
    CHECK(seen[1].body == "late\n");
  }
}

TEST_CASE("response reader holds a response until its whole body has arrived") {
  HttpResponseReader reader;
  std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab";
  int calls = 0;
  auto count = [&](const HttpResponse&) { ++calls; };
  REQUIRE(reader.feed({reinterpret_cast<const uint8_t*>(head.data()), head.size()}, count));
  CHECK(calls == 0);
  CHECK(reader.buffered() == head.size());
  std::string rest = "cd";
  REQUIRE(reader.feed({reinterpret_cast<const uint8_t*>(rest.data()), rest.size()}, count));
  CHECK(calls == 1);
  CHECK(reader.buffered() == 0);
}

TEST_CASE("response reader refuses answers it cannot delimit") {
  CHECK(read_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 1).second ==
        "Transfer-Encoding not supported");
  CHECK(read_all("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", 3).second == "response without Content-Length");
  CHECK(read_all("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n", 100).second == "bad Content-Length");
  CHECK(read_all("SSH-2.0-OpenSSH_9.6\r\n\r\n", 100).second == "bad status line");
}

TEST_CASE("response reader bounds a head that never ends") {
  std::string endless = "HTTP/1.1 200 OK\r\n" + std::string(HttpResponseReader::kMaxHead, 'x');
  CHECK(read_all(endless, 1000).second.starts_with("response head over"));
}
