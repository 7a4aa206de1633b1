// The figures of one ws_load run, printed as text or as one JSON object.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "latency_histogram.hpp"
#include "load_options.hpp"

namespace ws_load {

struct Report {
  // Connections.
  uint64_t viewers_connected = 0;
  uint64_t senders_connected = 0;
  uint64_t connect_failures = 0;  // failed, or still not open at the connect deadline
  uint64_t disconnected = 0;      // dropped after opening, before the end
  std::map<std::string, uint64_t> failures;
  double connect_seconds = 0;
  // Comments and their deliveries.
  uint64_t comments_sent = 0;
  uint64_t comments_refused = 0;     // "rate_limited"
  uint64_t receivers = 0;            // open viewers when sending started
  uint64_t deliveries_received = 0;  // at viewers
  uint64_t sender_deliveries = 0;    // echoes at the senders
  uint64_t window_deliveries = 0;    // at viewers and senders, while sending
  uint64_t foreign_comments = 0;
  uint64_t other_errors = 0;
  std::map<std::string, uint64_t> error_codes;
  uint64_t viewer_count_seen = 0;
  uint64_t histories = 0;  // connections that got the room's history
  double send_seconds = 0;
  double drain_seconds = 0;
  // Why waiting for deliveries stopped: "complete", "quiet" (nothing came for 2 s: the rest is
  // lost) or "timeout" (deliveries were still coming: the rest is late, maybe not lost).
  std::string drain_end = "none";
  LatencyHistogram latency;
  // The server under test and the load generator itself.
  std::optional<uint64_t> rss_before_kib;
  std::optional<uint64_t> rss_after_kib;
  std::optional<double> server_cpu_connect;  // seconds of CPU, connecting + settling
  std::optional<double> server_cpu_send;     // seconds of CPU, sending + draining
  double own_cpu_send = 0;

  [[nodiscard]] uint64_t deliveries_expected() const {
    return (comments_sent - comments_refused) * receivers;
  }
};

void print_json(const Options& options, const Report& report);
void print_text(const Options& options, const Report& report);

}  // namespace ws_load
