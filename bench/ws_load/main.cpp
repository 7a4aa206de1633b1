// ws_load: opens N idle WebSocket viewers and S comment senders on a liverelay (or anchor) room,
// sends comments stamped with their send time at a fixed rate or as a flood, and reports what
// arrived, how late, and what the server's memory and CPU did meanwhile.
//
//   ws_load --url ws://127.0.0.1:8080/live/bench/ws --viewers 10000 --senders 10 --rate 10
//           --duration 10 --server-pid PID --json
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "load_options.hpp"
#include "load_thread.hpp"
#include "proc_stats.hpp"
#include "report.hpp"

namespace ws_load {
namespace {

constexpr double kQuietDrainSeconds = 2;  // no delivery for this long: the rest is lost

double seconds_since(uint64_t start_ns) {
  return static_cast<double>(monotonic_ns() - start_ns) / 1e9;
}

// Polls every 10 ms until done() or the deadline; false on the deadline.
bool wait_until(const std::function<bool()>& done, double seconds) {
  uint64_t start = monotonic_ns();
  while (!done()) {
    if (seconds_since(start) >= seconds) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

class Run {
 public:
  explicit Run(const Options& options) : options_(options) {
    for (unsigned t = 0; t < options.threads; ++t) {
      threads_.push_back(std::make_unique<LoadThread>(options, state_, options.senders));
      state_.stats.push_back(&threads_.back()->stats());
    }
    // Senders first: they are in the room before the viewers pile in.
    for (uint32_t id = 0; id < options.senders + options.viewers; ++id) {
      auto role = id < options.senders ? LoadClient::Role::kSender : LoadClient::Role::kViewer;
      threads_[id % options.threads]->add_client(role, id);
    }
  }

  Report execute() {
    report_.rss_before_kib = server_rss();
    cpu_start_ = server_cpu();
    uint64_t start = monotonic_ns();
    for (auto& t : threads_) t->start();
    connect(start);
    if (options_.duration > 0 && sum(&ThreadStats::senders_open) > 0) send();
    finish();
    return std::move(report_);
  }

 private:
  uint64_t sum(Counter ThreadStats::*counter) const {
    uint64_t total = 0;
    for (const auto* s : state_.stats) total += (s->*counter).get();
    return total;
  }

  [[nodiscard]] std::optional<uint64_t> server_rss() const {
    return options_.server_pid > 0 ? resident_kib(options_.server_pid) : std::nullopt;
  }
  [[nodiscard]] std::optional<double> server_cpu() const {
    return options_.server_pid > 0 ? cpu_seconds(options_.server_pid) : std::nullopt;
  }

  void connect(uint64_t start) {
    uint64_t total = options_.viewers + options_.senders;
    double timeout = options_.connect_timeout > 0
                         ? options_.connect_timeout
                         : 3.0 * static_cast<double>(total) / options_.connect_rate + 30;
    wait_until(
        [&] {
          return sum(&ThreadStats::viewers_open) + sum(&ThreadStats::senders_open) +
                     sum(&ThreadStats::connect_failed) >=
                 total;
        },
        timeout);
    report_.connect_seconds = seconds_since(start);
    // Let the server's coalesced viewer counts and its allocator settle before reading RSS.
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.settle));
    report_.rss_after_kib = server_rss();
    std::optional<double> cpu_connected = server_cpu();
    if (cpu_start_ && cpu_connected) report_.server_cpu_connect = *cpu_connected - *cpu_start_;
  }

  void send() {
    std::optional<double> cpu_before = server_cpu();
    double own_before = own_cpu_seconds();
    report_.receivers = sum(&ThreadStats::viewers_open) - sum(&ThreadStats::viewers_dropped);
    state_.receivers = report_.receivers;
    state_.send_start_ns = monotonic_ns();
    uint64_t window_start = sum(&ThreadStats::viewer_deliveries) + sum(&ThreadStats::sender_deliveries);
    announce(Phase::kSending);
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.duration));
    announce(Phase::kDraining);
    report_.send_seconds = seconds_since(state_.send_start_ns);
    report_.window_deliveries =
        sum(&ThreadStats::viewer_deliveries) + sum(&ThreadStats::sender_deliveries) - window_start;
    drain();
    std::optional<double> cpu_after = server_cpu();
    if (cpu_before && cpu_after) report_.server_cpu_send = *cpu_after - *cpu_before;
    report_.own_cpu_send = own_cpu_seconds() - own_before;
  }

  // Waits for every expected delivery, or until deliveries stop coming (the rest is lost), or
  // the timeout (the rest was still on its way: late, maybe not lost).
  void drain() {
    uint64_t start = monotonic_ns(), last_count = 0, last_change = start;
    report_.drain_end = "timeout";
    wait_until(
        [&] {
          uint64_t accepted = state_.comments_sent.load() - state_.comments_refused.load();
          uint64_t received = sum(&ThreadStats::viewer_deliveries);
          if (received >= accepted * state_.receivers) {
            report_.drain_end = "complete";
            return true;
          }
          if (received != last_count) {
            last_count = received;
            last_change = monotonic_ns();
          }
          if (seconds_since(last_change) < kQuietDrainSeconds) return false;
          report_.drain_end = "quiet";
          return true;
        },
        options_.drain_timeout);
    report_.drain_seconds = seconds_since(start);
  }

  void announce(Phase phase) {
    state_.phase.store(phase);
    for (auto& t : threads_) t->wake();
  }

  void finish() {
    Report& r = report_;
    r.comments_sent = state_.comments_sent.load();
    r.comments_refused = state_.comments_refused.load();
    announce(Phase::kClosing);
    for (auto& t : threads_) t->join();
    uint64_t total = options_.viewers + options_.senders;
    r.viewers_connected = sum(&ThreadStats::viewers_open);
    r.senders_connected = sum(&ThreadStats::senders_open);
    r.connect_failures = total - r.viewers_connected - r.senders_connected;  // failed or never opened
    r.disconnected = sum(&ThreadStats::disconnected);
    r.deliveries_received = sum(&ThreadStats::viewer_deliveries);
    r.sender_deliveries = sum(&ThreadStats::sender_deliveries);
    r.foreign_comments = sum(&ThreadStats::foreign_comments);
    r.other_errors = sum(&ThreadStats::other_errors);
    r.histories = sum(&ThreadStats::histories);
    for (auto& t : threads_) {
      ThreadStats& s = t->stats();
      r.latency.merge(s.latency);
      r.viewer_count_seen = std::max(r.viewer_count_seen, s.viewer_count.get());
      for (const auto& [reason, count] : s.failures) r.failures[reason] += count;
      for (const auto& [code, count] : s.error_codes) r.error_codes[code] += count;
    }
    if (r.connect_failures > sum(&ThreadStats::connect_failed)) {
      r.failures["not open by the connect deadline"] +=
          r.connect_failures - sum(&ThreadStats::connect_failed);
    }
  }

  const Options& options_;
  RunState state_;
  std::vector<std::unique_ptr<LoadThread>> threads_;
  Report report_;
  std::optional<double> cpu_start_;
};

}  // namespace
}  // namespace ws_load

int main(int argc, char** argv) {
  using namespace ws_load;
  Options options = parse_options(argc, argv);
  uint64_t open_files = raise_open_file_limit();
  uint64_t needed = uint64_t{options.viewers} + options.senders + 64;
  if (needed > open_files) {
    std::cerr << "ws_load: " << needed << " sockets need RLIMIT_NOFILE >= " << needed
              << ", the hard limit is " << open_files << " (raise it with ulimit -Hn as root)\n";
    return 2;
  }
  if (options.flood && options.window == 0) options.window = 1;
  Report report = Run(options).execute();
  if (options.json) {
    print_json(options, report);
  } else {
    print_text(options, report);
  }
  return report.viewers_connected + report.senders_connected > 0 ? 0 : 1;
}
