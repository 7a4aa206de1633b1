// HTTP/1.1 requests as the listener reads them, pipelined and in pieces: request line, headers
// (the smuggling shapes the parser refuses), bodies, then what routing does with the target:
// percent-decoding with its traversal checks, the /live/<name>/... and /api/v1/streams/<name>/...
// splits, and the query parameters LL-HLS and the API read.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/fuzz_input.hpp"
#include "protocol/http/request_parser.hpp"
#include "protocol/http/request_target.hpp"
#include "server/http/route_path.hpp"

using namespace liverelay;

namespace {

void route(const http::ParsedRequest& request) {
  auto target = http::parse_request_target(request.target);
  if (!target) return;
  // A decoded path must not be able to climb out of a folder: that is parse_request_target's promise.
  if (target->path.empty() || target->path[0] != '/' || target->path.find("/../") != std::string::npos ||
      target->path.ends_with("/..")) {
    __builtin_trap();
  }
  for (const std::string_view prefix : {"/live/", "/api/v1/streams/"}) {
    if (auto split = split_route_path(target->path, prefix)) {
      if (split->name.find('/') != std::string_view::npos) __builtin_trap();
    }
  }
  for (const std::string_view key : {"_HLS_msn", "_HLS_part", "_HLS_skip", "token"}) {
    (void)http::query_value(target->query, key);
  }
  (void)request.header("content-type");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::RequestParser parser(http::RequestLimits{.max_head_bytes = 4096, .max_body_bytes = 8192});
  fuzz::feed_in_pieces({data, size}, [&](std::span<const uint8_t> piece) {
    for (int requests = 0; !piece.empty() && requests < 64; ++requests) {
      auto used = parser.feed(piece);
      if (!used) return false;
      piece = piece.subspan(*used);
      if (!parser.complete()) break;
      const http::ParsedRequest request = parser.take();
      if (request.upgrade) return false;  // the rest is another protocol
      route(request);
    }
    return true;
  });
  return 0;
}
