// HTTP routes of live HLS: /live/<name>/index.m3u8 and the segments and parts it names, from
// memory; low-latency requests (blocking reloads, preload-hinted parts) held on the loop.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include <uv.h>

#include "server/hls/held_requests.hpp"
#include "server/hls/hls_sessions.hpp"
#include "server/http/http_types.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

class HlsRoutes {
 public:
  HlsRoutes(uv_loop_t* loop, StreamRegistry& registry, HlsSessions& sessions)
      : registry_(registry), sessions_(sessions), held_(loop) {}

  // The response for a /live/<name>/<file> request, or nullopt when the path is not ours.
  std::optional<HttpResponse> route(const HttpRequest& request);

  // Low-latency requests waiting for their part or playlist update.
  [[nodiscard]] size_t held_count() const { return held_.size(); }

 private:
  HttpResponse playlist(const HttpRequest& request, const std::string& name, Stream& stream, HlsPackager& hls);
  // A request for the part the playlist hints at, before it exists: held until it does.
  HttpResponse hinted_part(const HttpRequest& request, Stream& stream, HlsPackager& hls);
  // What a held request gets at a playlist update, once it can get something.
  using Answer = std::function<std::optional<HttpResponse>(HlsPackager& packager)>;
  // Parks the request on the packager until `answer` gives a response, or 503 after three
  // target durations ("<what> not available in time").
  HttpResponse hold(const HttpRequest& request, Stream& stream, HlsPackager& hls, std::string_view what, Answer answer);

  StreamRegistry& registry_;
  HlsSessions& sessions_;
  HeldRequests held_;
};

}  // namespace liverelay
