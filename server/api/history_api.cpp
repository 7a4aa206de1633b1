// HistoryApi: samples from the stream registry and the rooms, served as StatsHistory's columns.
#include "server/api/history_api.hpp"

#include <charconv>
#include <cmath>

#include "protocol/http/request_target.hpp"
#include "server/api/bearer.hpp"
#include "server/http/json_response.hpp"
#include "server/http/route_path.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

constexpr std::string_view kAll = "/api/v1/history";
constexpr std::string_view kHistorySuffix = "/history";
// Housekeeping ticks about every second: take the tick that lands near the interval, not the
// one after it.
constexpr int64_t kTickSlackMs = 500;

// The ?since= value: absent, or a finite number of seconds; anything else is a 400.
std::optional<std::optional<double>> parse_since(std::string_view query) {
  const auto since = http::query_value(query, "since");
  if (!since.found) return std::optional<double>{};
  double value = 0;
  const char* end = since.value.data() + since.value.size();
  const auto [last, ec] = std::from_chars(since.value.data(), end, value);
  if (ec != std::errc{} || last != end || !std::isfinite(value)) return std::nullopt;
  return std::optional<double>{value};
}

}  // namespace

HistoryApi::HistoryApi(StreamRegistry& streams, RoomRegistry& rooms, StatsApi::CountConnections count_connections,
                       std::string admin_token)
    : streams_(streams), rooms_(rooms), count_connections_(std::move(count_connections)),
      admin_token_(std::move(admin_token)) {}

void HistoryApi::tick(int64_t wall_ms, int64_t steady_ms) {
  if (last_sample_steady_ms_ && steady_ms - *last_sample_steady_ms_ < StatsHistory::kIntervalMs - kTickSlackMs) {
    return;
  }
  last_sample_steady_ms_ = steady_ms;
  const ConnectionCounts counts = count_connections_();
  const ServerSample server{cpu_.percent(), process_resident_bytes(), counts.rtmp, counts.http, counts.websocket};
  std::vector<StreamSample> samples;
  for (const Stream* stream : streams_.all()) {
    StreamSample sample;
    sample.name = stream->name();
    sample.live = stream->live();
    if (stream->live()) {
      sample.bitrate_kbps = stream->ingest().bitrate_kbps(steady_ms);
      sample.fps = stream->ingest().fps();
    }
    if (Room* room = rooms_.find(stream->name())) {
      sample.viewers = room->viewers();
      sample.comments_per_minute = room->comments_per_minute(wall_ms);
    }
    samples.push_back(std::move(sample));
  }
  history_.add(wall_ms, server, samples);
}

std::optional<HttpResponse> HistoryApi::route(const HttpRequest& request) const {
  const std::string_view path = request.path;
  std::optional<std::string> stream;
  if (path.starts_with(kStreamsApiPrefix) && path.ends_with(kHistorySuffix) &&
      path.size() > kStreamsApiPrefix.size() + kHistorySuffix.size()) {
    stream = std::string(path.substr(kStreamsApiPrefix.size(),
                                     path.size() - kStreamsApiPrefix.size() - kHistorySuffix.size()));
    if (stream->find('/') != std::string::npos) return std::nullopt;
  } else if (path != kAll) {
    return std::nullopt;
  }
  if (request.method != "GET" && request.method != "HEAD") return api_error(405, "use GET");
  if (!carries_token(request, admin_token_)) {
    logger("api")->debug("history from {} refused: no admin token", request.peer);
    return api_error(401, "the admin token is needed");
  }
  const auto since = parse_since(request.query);
  if (!since) return api_error(400, "since must be a number of seconds since the epoch");
  if (!stream) return json_response(history_.to_json(*since));
  auto one = history_.stream_json(*stream, *since);
  if (!one) return api_error(404, "no stream of that name live in the last 10 minutes");
  return json_response(*one);
}

}  // namespace liverelay
