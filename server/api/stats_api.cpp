// StatsApi: stream and server figures as the JSON that DESIGN.md fixes.
#include "server/api/stats_api.hpp"

#include <cmath>

#include "server/api/process_stats.hpp"
#include "server/api/relay_api.hpp"
#include "server/clock.hpp"
#include "server/http/json_response.hpp"
#include "server/http/route_path.hpp"
#include "server/net/traffic_counters.hpp"

namespace liverelay {
namespace {

// Divides rather than multiplies by the step: 3 / 10.0 prints as 0.3, 3 * 0.1 does not.
double round_to(double value, double step) { return std::round(value / step) / std::round(1.0 / step); }

nlohmann::json video_json(const media::VideoConfig& video, double fps) {
  return {{"codec", media::codec_name(video.codec)},
          {"profile", video.profile},
          {"level", video.level},
          {"width", video.width},
          {"height", video.height},
          {"fps", fps}};
}

nlohmann::json audio_json(const media::AudioConfig& audio) {
  return {{"codec", media::codec_name(audio.codec)},
          {"profile", audio.profile},
          {"sample_rate", audio.sample_rate},
          {"channels", audio.channels}};
}

nlohmann::json hls_json(const HlsPackager& hls) {
  auto ms = [&](double q) -> nlohmann::json {
    auto us = hls.listing_delay_us().percentile(q);
    return us ? nlohmann::json(static_cast<double>(*us) / 1000.0) : nlohmann::json(nullptr);
  };
  return {{"segments", hls.segments_produced()}, {"listing_delay_ms", {{"p50", ms(50)}, {"p99", ms(99)}}}};
}

}  // namespace

StatsApi::StatsApi(StreamRegistry& registry, const HlsSessions& hls_sessions, RoomRegistry& rooms,
                   CountConnections count_connections)
    : registry_(registry), hls_sessions_(hls_sessions), rooms_(rooms), count_connections_(std::move(count_connections)) {}

nlohmann::json StatsApi::stream_json(const Stream& stream) const {
  nlohmann::json out = {{"name", stream.name()}, {"live", stream.live()}};
  Room* room = rooms_.find(stream.name());
  out["viewers"] = {{"current", room ? room->viewers() : 0},
                    {"peak", room ? room->peak_viewers() : 0},
                    {"watch_time_s", room ? round_to(room->watch_time_s(), 0.1) : 0.0}};
  out["comments"] = {{"total", room ? room->comment_count() : 0},
                     {"per_minute", room ? room->comments_per_minute(wall_ms()) : 0.0}};
  const PlaybackStats& playback = stream.playback();  // players may wait through the grace
  out["rtmp"] = {{"players", playback.players},
                 {"dropped_frames", playback.dropped_frames},
                 {"slow_disconnects", playback.slow_disconnects}};
  if (const auto recording = recordings_ ? recordings_->status(stream.name()) : std::nullopt) {
    out["recording"] = {{"state", recording->state},
                        {"bytes", recording->bytes},
                        {"segments", recording->segments},
                        {"errors", recording->errors},
                        {"last_error", recording->last_error.empty() ? nlohmann::json(nullptr)
                                                                     : nlohmann::json(recording->last_error)}};
  }
  if (relays_ && (relays_->pulled(stream.name()) || !relays_->pushes(stream.name()).empty())) {
    out["relay"] = relay_json(*relays_, stream.name());
  }
  if (!stream.live()) return out;
  const IngestStats& ingest = stream.ingest();
  out["uptime_s"] = round_to(stream.uptime_s(), 0.1);
  out["publisher"] = {{"address", stream.publisher()->address}, {"encoder", stream.encoder()}};
  out["video"] = stream.video() ? video_json(*stream.video(), ingest.fps()) : nlohmann::json(nullptr);
  out["audio"] = stream.audio() ? audio_json(*stream.audio()) : nlohmann::json(nullptr);
  const auto interval = ingest.keyframe_interval_s();
  out["ingest"] = {{"bitrate_kbps", std::round(ingest.bitrate_kbps(steady_ms()))},
                   {"bytes", ingest.total_bytes()},
                   {"frames", ingest.frames()},
                   {"keyframes", ingest.keyframes()},
                   {"keyframe_interval_s", interval ? nlohmann::json(*interval) : nlohmann::json(nullptr)},
                   {"timestamp_drift_ms", ingest.timestamp_drift_ms()},
                   {"dropped_packets", ingest.dropped_packets()}};
  if (const HlsPackager* hls = stream.hls()) {
    out["hls"] = hls_json(*hls);
    out["hls"]["sessions"] = hls_sessions_.count(stream.name(), steady_ms());
    out["hls"]["requests"] = stream.hls_requests();
    out["hls"]["bytes_served"] = stream.hls_bytes_served();
  }
  return out;
}

nlohmann::json StatsApi::server_json() {
  const ConnectionCounts counts = count_connections_();
  const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return {{"version", LIVERELAY_VERSION},
          {"uptime_s", round_to(uptime, 0.1)},
          {"streams", {{"known", registry_.all().size()}, {"live", registry_.live_count()}}},
          {"connections", {{"rtmp", counts.rtmp}, {"http", counts.http}, {"websocket", counts.websocket}, {"webrtc", counts.webrtc},
                           {"refused", {{"total", counts.refused_total}, {"per_address", counts.refused_per_address}}}}},
          {"cpu_percent", round_to(cpu_.percent(), 0.01)},
          {"memory_bytes", process_resident_bytes()},
          {"bytes_in", traffic::bytes_in()},
          {"bytes_out", traffic::bytes_out()}};
}

std::optional<HttpResponse> StatsApi::route(const HttpRequest& request) {
  if (request.path.rfind("/api/", 0) != 0) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    return HttpResponse::json(405, R"({"error":"method not allowed"})");
  }
  if (request.path == "/api/v1/server") return json_response(server_json());
  if (request.path == "/api/v1/streams" || request.path == "/api/v1/streams/") {
    nlohmann::json list = nlohmann::json::array();
    for (const Stream* stream : registry_.all()) list.push_back(stream_json(*stream));
    return json_response(list);
  }
  if (request.path.rfind(kStreamsApiPrefix, 0) == 0) {
    const std::string name = request.path.substr(kStreamsApiPrefix.size());
    if (const Stream* stream = registry_.find(name)) {
      return json_response(stream_json(*stream));
    }
  }
  return HttpResponse::not_found();
}

}  // namespace liverelay
