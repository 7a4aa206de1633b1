// Tests for rendered response heads.
#include "protocol/http/response_head.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using liverelay::http::render_response_head;
using liverelay::http::ResponseHead;

TEST_CASE("response head has the status line, framing headers and extras in order", "[http]") {
  const std::vector<std::pair<std::string, std::string>> extra = {{"Cache-Control", "max-age=1"}};
  ResponseHead head;
  head.status = 200;
  head.content_type = "application/vnd.apple.mpegurl";
  head.content_length = 449;
  head.headers = extra;
  CHECK(render_response_head(head) ==
        "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.apple.mpegurl\r\nContent-Length: 449\r\n"
        "Cache-Control: max-age=1\r\n\r\n");
  head.keep_alive = false;
  CHECK(render_response_head(head).find("Connection: close\r\n") != std::string::npos);
}

TEST_CASE("response head drops header values that would split the response", "[http]") {
  const std::vector<std::pair<std::string, std::string>> extra = {{"X-Bad", "a\r\nSet-Cookie: x"}, {"X-Ok", "b"}};
  ResponseHead head;
  head.status = 404;
  head.headers = extra;
  const std::string text = render_response_head(head);
  CHECK(text.find("Set-Cookie") == std::string::npos);
  CHECK(text.find("X-Ok: b\r\n") != std::string::npos);
  CHECK(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
}

TEST_CASE("204 carries no Content-Length", "[http]") {
  ResponseHead head;
  head.status = 204;
  CHECK(render_response_head(head).find("Content-Length") == std::string::npos);
}
