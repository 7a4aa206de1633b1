// MetricsApi: server and per-stream figures as Prometheus families, conventional names with
// units. Counters of a broadcast (ingest bytes, frames, drops, segments) restart with the next
// broadcast, which Prometheus reads as a counter reset.
#include "server/api/metrics_api.hpp"

#include <functional>

#include "server/api/process_stats.hpp"
#include "server/clock.hpp"
#include "server/net/traffic_counters.hpp"

namespace liverelay {
namespace {

using prometheus::MetricFamily;
using prometheus::MetricType;

// One per-stream family: its value for a stream, or nullopt when it has none (offline).
struct StreamMetric {
  const char* name;
  MetricType type;
  const char* help;
  std::function<std::optional<double>(const Stream&, const Room*)> value;
};

std::optional<double> when_live(const Stream& stream, double value) {
  return stream.live() ? std::optional<double>(value) : std::nullopt;
}

double as_double(uint64_t value) {
  return static_cast<double>(value);
}

const std::vector<StreamMetric>& stream_metrics() {
  static const std::vector<StreamMetric> metrics = {
      {"liverelay_stream_live", MetricType::gauge, "Whether the stream has a publisher (1) or not (0).",
       [](const Stream& s, const Room*) { return s.live() ? 1.0 : 0.0; }},
      // Bytes, not bits: Prometheus' base unit (promtool's lint refuses "bits").
      {"liverelay_stream_ingest_bytes_per_second", MetricType::gauge,
       "Ingest rate over the last 5 seconds (audio, video and data payloads).",
       [](const Stream& s, const Room*) {
         return when_live(s, s.ingest().bitrate_kbps(steady_ms()) * 1000.0 / 8.0);
       }},
      {"liverelay_stream_ingest_frames_per_second", MetricType::gauge,
       "Video frame rate from the media timestamps of the last 5 seconds.",
       [](const Stream& s, const Room*) { return when_live(s, s.ingest().fps()); }},
      {"liverelay_stream_ingest_bytes_total", MetricType::counter,
       "Payload bytes received in this broadcast.",
       [](const Stream& s, const Room*) { return when_live(s, as_double(s.ingest().total_bytes())); }},
      {"liverelay_stream_ingest_frames_total", MetricType::counter,
       "Video frames received in this broadcast.",
       [](const Stream& s, const Room*) { return when_live(s, as_double(s.ingest().frames())); }},
      {"liverelay_stream_keyframe_interval_seconds", MetricType::gauge,
       "Media time between the last two keyframes.",
       [](const Stream& s, const Room*) -> std::optional<double> {
         if (!s.live()) return std::nullopt;
         return s.ingest().keyframe_interval_s();
       }},
      {"liverelay_stream_dropped_packets_total", MetricType::counter,
       "Packets of this broadcast the demuxer refused or HLS packaging dropped.",
       [](const Stream& s, const Room*) { return when_live(s, as_double(s.ingest().dropped_packets())); }},
      {"liverelay_stream_viewers", MetricType::gauge,
       "Viewers now: WebSockets in the stream's room plus HLS-only and RTMP players.",
       [](const Stream&, const Room* r) { return r ? as_double(r->viewers()) : 0.0; }},
      {"liverelay_stream_viewers_peak", MetricType::gauge, "The most viewers at once since the room opened.",
       [](const Stream&, const Room* r) { return r ? as_double(r->peak_viewers()) : 0.0; }},
      {"liverelay_stream_watch_seconds_total", MetricType::counter,
       "Viewer-seconds watched: the viewer count integrated over time.",
       [](const Stream&, const Room* r) { return r ? r->watch_time_s() : 0.0; }},
      {"liverelay_stream_comments_total", MetricType::counter, "Comments posted in the stream's room.",
       [](const Stream&, const Room* r) { return r ? as_double(r->comments_posted()) : 0.0; }},
      {"liverelay_stream_rtmp_players", MetricType::gauge, "RTMP players now.",
       [](const Stream& s, const Room*) { return as_double(s.playback().players); }},
      {"liverelay_stream_rtmp_dropped_frames_total", MetricType::counter,
       "Audio and video frames skipped for RTMP players that fell behind.",
       [](const Stream& s, const Room*) { return as_double(s.playback().dropped_frames); }},
      {"liverelay_stream_rtmp_slow_disconnects_total", MetricType::counter,
       "RTMP players disconnected for staying behind.",
       [](const Stream& s, const Room*) { return as_double(s.playback().slow_disconnects); }},
      {"liverelay_stream_hls_segments_total", MetricType::counter, "HLS segments produced in this broadcast.",
       [](const Stream& s, const Room*) -> std::optional<double> {
         if (s.hls() == nullptr) return std::nullopt;
         return as_double(s.hls()->segments_produced());
       }},
      {"liverelay_stream_hls_requests_total", MetricType::counter,
       "HLS playlist and segment requests answered.",
       [](const Stream& s, const Room*) { return as_double(s.hls_requests()); }},
      {"liverelay_stream_hls_served_bytes_total", MetricType::counter,
       "HLS playlist and segment body bytes answered.",
       [](const Stream& s, const Room*) { return as_double(s.hls_bytes_served()); }},
  };
  return metrics;
}

}  // namespace

MetricsApi::MetricsApi(StreamRegistry& registry, RoomRegistry& rooms,
                       StatsApi::CountConnections count_connections)
    : registry_(registry), rooms_(rooms), count_connections_(std::move(count_connections)) {}

std::optional<HttpResponse> MetricsApi::route(const HttpRequest& request) {
  if (request.path != "/metrics") return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    return HttpResponse::json(405, R"({"error":"method not allowed"})");
  }
  HttpResponse response;
  response.content_type = std::string(prometheus::kContentType);
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = prometheus::render(families());
  return response;
}

std::vector<MetricFamily> MetricsApi::families() {
  std::vector<MetricFamily> out;
  add_server(out);
  add_streams(out);
  return out;
}

void MetricsApi::add_server(std::vector<MetricFamily>& out) {
  const ConnectionCounts connections = count_connections_();
  const size_t live = registry_.live_count();
  const size_t known = registry_.all().size();
  const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  out.push_back(
      MetricFamily{"liverelay_build_info", MetricType::gauge, "Always 1; the version as a label.", {}}.add(
          {{"version", LIVERELAY_VERSION}}, 1));
  out.push_back(
      MetricFamily{"liverelay_uptime_seconds", MetricType::gauge, "Time since the server started.", {}}.add(
          uptime));
  out.push_back(MetricFamily{
      "liverelay_process_cpu_seconds_total",
      MetricType::counter,
      "User and system CPU time the process has used.",
      {}}.add(process_cpu_seconds()));
  out.push_back(MetricFamily{
      "liverelay_process_resident_memory_bytes",
      MetricType::gauge,
      "Resident set size of the process.",
      {}}.add(as_double(process_resident_bytes())));
  out.push_back(MetricFamily{"liverelay_connections", MetricType::gauge, "Open connections by kind.", {}}
                    .add({{"kind", "rtmp"}}, as_double(connections.rtmp))
                    .add({{"kind", "http"}}, as_double(connections.http))
                    .add({{"kind", "websocket"}}, as_double(connections.websocket))
                    .add({{"kind", "webrtc"}}, as_double(connections.webrtc)));
  out.push_back(MetricFamily{"liverelay_connections_refused_total", MetricType::counter,
                             "Connections closed at accept by a [limits] cap: max_connections (total) or "
                             "max_connections_per_address (per_address).", {}}
                    .add({{"reason", "total"}}, as_double(connections.refused_total))
                    .add({{"reason", "per_address"}}, as_double(connections.refused_per_address)));
  out.push_back(MetricFamily{
      "liverelay_network_receive_bytes_total",
      MetricType::counter,
      "Bytes read from every TCP connection (RTMP, HTTP, WebSocket).",
      {}}.add(as_double(traffic::bytes_in())));
  out.push_back(MetricFamily{
      "liverelay_network_transmit_bytes_total",
      MetricType::counter,
      "Bytes written to every TCP connection (RTMP, HTTP, WebSocket).",
      {}}.add(as_double(traffic::bytes_out())));
  out.push_back(MetricFamily{"liverelay_streams", MetricType::gauge, "Known streams by state.", {}}
                    .add({{"state", "live"}}, as_double(live))
                    .add({{"state", "offline"}}, as_double(known - live)));
}

void MetricsApi::add_streams(std::vector<MetricFamily>& out) {
  std::vector<std::pair<const Stream*, const Room*>> streams;
  for (const Stream* stream : registry_.all()) streams.emplace_back(stream, rooms_.find(stream->name()));
  for (const StreamMetric& metric : stream_metrics()) {
    MetricFamily family{metric.name, metric.type, metric.help, {}};
    for (const auto& [stream, room] : streams) {
      if (auto value = metric.value(*stream, room)) family.add({{"stream", stream->name()}}, *value);
    }
    out.push_back(std::move(family));
  }
  if (recordings_ == nullptr) return;
  MetricFamily errors{"liverelay_stream_recording_errors_total", MetricType::counter,
                      "Failed writes of the stream's current (else last) recording; the first stops it.", {}};
  for (const auto& [stream, room] : streams) {
    if (auto status = recordings_->status(stream->name())) {
      errors.add({{"stream", stream->name()}}, as_double(status->errors));
    }
  }
  out.push_back(std::move(errors));
}

}  // namespace liverelay
