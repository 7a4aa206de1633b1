// ws_load's output: one JSON object for scripts (bench/ws_fanout.py), or lines for people.
#include "report.hpp"

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

namespace ws_load {
namespace {

double ms(uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

nlohmann::json optional_value(const auto& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json server_json(const Options& options, const Report& r) {
  nlohmann::json server = {{"pid", options.server_pid > 0 ? nlohmann::json(options.server_pid) : nullptr},
                           {"rss_before_kib", optional_value(r.rss_before_kib)},
                           {"rss_after_kib", optional_value(r.rss_after_kib)},
                           {"cpu_connect_s", optional_value(r.server_cpu_connect)},
                           {"cpu_send_s", optional_value(r.server_cpu_send)},
                           {"rss_per_connection_bytes", nullptr}};
  uint64_t connections = r.viewers_connected + r.senders_connected;
  if (r.rss_before_kib && r.rss_after_kib && connections > 0) {
    double delta = (static_cast<double>(*r.rss_after_kib) - static_cast<double>(*r.rss_before_kib)) * 1024;
    server["rss_per_connection_bytes"] = delta / static_cast<double>(connections);
  }
  return server;
}

}  // namespace

void print_json(const Options& options, const Report& r) {
  int64_t lost = static_cast<int64_t>(r.deliveries_expected()) - static_cast<int64_t>(r.deliveries_received);
  nlohmann::json out = {
      {"url", options.url},
      {"mode", options.flood ? "flood" : "rate"},
      {"threads", options.threads},
      {"viewers_requested", options.viewers},
      {"senders_requested", options.senders},
      {"viewers_connected", r.viewers_connected},
      {"senders_connected", r.senders_connected},
      {"connect_failures", r.connect_failures},
      {"disconnected", r.disconnected},
      {"failures", r.failures},
      {"connect_seconds", r.connect_seconds},
      {"comments_sent", r.comments_sent},
      {"comments_refused", r.comments_refused},
      {"receivers", r.receivers},
      {"deliveries_expected", r.deliveries_expected()},
      {"deliveries_received", r.deliveries_received},
      {"deliveries_lost", lost},
      {"sender_echoes", r.sender_deliveries},
      {"foreign_comments", r.foreign_comments},
      {"other_errors", r.other_errors},
      {"error_codes", r.error_codes},
      {"viewer_count_seen", r.viewer_count_seen},
      {"histories", r.histories},
      {"send_seconds", r.send_seconds},
      {"drain_seconds", r.drain_seconds},
      {"drain_end", r.drain_end},
      {"deliveries_per_s",
       r.send_seconds > 0 ? static_cast<double>(r.window_deliveries) / r.send_seconds : 0.0},
      {"latency_ms",
       {{"count", r.latency.count()},
        {"p50", ms(r.latency.quantile(0.50))},
        {"p90", ms(r.latency.quantile(0.90))},
        {"p99", ms(r.latency.quantile(0.99))},
        {"p999", ms(r.latency.quantile(0.999))},
        {"max", ms(r.latency.max())}}},
      {"server", server_json(options, r)},
      {"load_cpu_send_s", r.own_cpu_send},
  };
  std::cout << out.dump() << std::endl;
}

void print_text(const Options& options, const Report& r) {
  nlohmann::json server = server_json(options, r);
  std::printf("%s, %s, %u thread(s)\n", options.url.c_str(), options.flood ? "flood" : "fixed rate",
              options.threads);
  std::printf("connected: %llu/%u viewers, %llu/%u senders in %.2f s; %llu failed, %llu dropped later\n",
              static_cast<unsigned long long>(r.viewers_connected), options.viewers,
              static_cast<unsigned long long>(r.senders_connected), options.senders, r.connect_seconds,
              static_cast<unsigned long long>(r.connect_failures),
              static_cast<unsigned long long>(r.disconnected));
  std::printf("room: %llu connections got the history; last viewer count seen %llu\n",
              static_cast<unsigned long long>(r.histories),
              static_cast<unsigned long long>(r.viewer_count_seen));
  for (const auto& [reason, count] : r.failures) {
    std::printf("  %llu x %s\n", static_cast<unsigned long long>(count), reason.c_str());
  }
  std::printf("comments: %llu sent, %llu refused, over %.2f s (+%.2f s drain, ended: %s)\n",
              static_cast<unsigned long long>(r.comments_sent),
              static_cast<unsigned long long>(r.comments_refused), r.send_seconds, r.drain_seconds,
              r.drain_end.c_str());
  std::printf("deliveries to viewers: %llu of %llu expected (%lld lost); %.0f deliveries/s while sending\n",
              static_cast<unsigned long long>(r.deliveries_received),
              static_cast<unsigned long long>(r.deliveries_expected()),
              static_cast<long long>(r.deliveries_expected()) - static_cast<long long>(r.deliveries_received),
              r.send_seconds > 0 ? static_cast<double>(r.window_deliveries) / r.send_seconds : 0.0);
  std::printf("latency ms: p50 %.3f, p99 %.3f, max %.3f\n", ms(r.latency.quantile(0.5)),
              ms(r.latency.quantile(0.99)), ms(r.latency.max()));
  if (r.rss_before_kib && r.rss_after_kib) {
    std::printf(
        "server RSS: %llu -> %llu KiB (%.0f bytes per connection)\n",
        static_cast<unsigned long long>(*r.rss_before_kib), static_cast<unsigned long long>(*r.rss_after_kib),
        server["rss_per_connection_bytes"].is_null() ? 0.0
                                                     : server["rss_per_connection_bytes"].get<double>());
  }
  if (r.server_cpu_send) {
    std::printf("server CPU: %.2f s connecting, %.2f s sending; ws_load CPU while sending %.2f s\n",
                r.server_cpu_connect.value_or(0), *r.server_cpu_send, r.own_cpu_send);
  }
}

}  // namespace ws_load
