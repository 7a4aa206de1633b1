// ll_hls_park: N players parked on low-latency HLS blocking playlist reloads of one stream.
// Each player keeps one HTTP/1.1 connection and, round after round, asks for the part after the
// last one its previous answer listed (`index.m3u8?_HLS_msn=M&_HLS_part=P`); the server holds
// every request until that part is listed. Prints one JSON object: for every delivery, the time
// from the first player of the round receiving the playlist to this one receiving it. A plain
// reload and one blocking round come first, unmeasured: they bring every player to the same part.
//
//   ll_hls_park --url http://127.0.0.1:8080/live/bench/index.m3u8 --players 1000 --rounds 30
//               --threads 2 --server-pid PID
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "park_options.hpp"
#include "park_thread.hpp"
#include "spread.hpp"
#include "ws_load/proc_stats.hpp"

namespace ll_hls_park {
namespace {

using ws_load::monotonic_ns;

double seconds_since(uint64_t start_ns) {
  return static_cast<double>(monotonic_ns() - start_ns) / 1e9;
}

// Polls every 5 ms until done() or the deadline; false on the deadline.
bool wait_until(const std::function<bool()>& done, double seconds) {
  uint64_t start = monotonic_ns();
  while (!done()) {
    if (seconds_since(start) >= seconds) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

nlohmann::json optional_value(const auto& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json round_ms(double ms) {
  return std::round(ms * 1000) / 1000;
}

class Run {
 public:
  explicit Run(const Options& options) : options_(options) {
    for (unsigned t = 0; t < options.threads; ++t)
      threads_.push_back(std::make_unique<ParkThread>(options, state_));
    for (uint32_t id = 0; id < options.players; ++id) threads_[id % options.threads]->add_player(id);
  }

  nlohmann::json execute() {
    nlohmann::json server = {{"pid", options_.server_pid > 0 ? nlohmann::json(options_.server_pid) : nullptr},
                             {"rss_kib_before", optional_value(server_rss())}};
    uint64_t start = monotonic_ns();
    for (auto& t : threads_) t->start();
    wait_until(
        [&] {
          return sum(&ThreadCounters::connected) + sum(&ThreadCounters::connect_failed) >= options_.players;
        },
        options_.connect_timeout);
    double connect_seconds = seconds_since(start);
    // The parked phase: the server's CPU from the first request to the last answer, and its
    // memory with every player still connected.
    std::optional<double> cpu_before = server_cpu();
    double own_before = ws_load::own_cpu_seconds();
    uint64_t parked_start = monotonic_ns();
    announce(Phase::kParking);
    bool finished = wait_until(
        [&] {
          for (auto& t : threads_) {
            if (!t->counters().finished.load()) return false;
          }
          return true;
        },
        options_.rounds * (options_.answer_timeout + 1) + 30);
    double parked_seconds = seconds_since(parked_start);
    std::optional<double> cpu_after = server_cpu();
    double own_cpu = ws_load::own_cpu_seconds() - own_before;
    server["rss_kib_parked"] = optional_value(server_rss());
    server["cpu_percent"] = cpu_before && cpu_after
                                ? nlohmann::json(100 * (*cpu_after - *cpu_before) / parked_seconds)
                                : nlohmann::json(nullptr);
    announce(Phase::kClosing);
    for (auto& t : threads_) t->join();
    nlohmann::json out = report();
    out["finished"] = finished;
    out["connect_seconds"] = connect_seconds;
    out["parked_seconds"] = parked_seconds;
    out["client_cpu_percent"] = 100 * own_cpu / parked_seconds;
    out["server"] = server;
    return out;
  }

 private:
  template <typename T>
  uint64_t sum(std::atomic<T> ThreadCounters::*counter) {
    uint64_t total = 0;
    for (auto& t : threads_) total += (t->counters().*counter).load(std::memory_order_relaxed);
    return total;
  }

  [[nodiscard]] std::optional<uint64_t> server_rss() const {
    return options_.server_pid > 0 ? ws_load::resident_kib(options_.server_pid) : std::nullopt;
  }
  [[nodiscard]] std::optional<double> server_cpu() const {
    return options_.server_pid > 0 ? ws_load::cpu_seconds(options_.server_pid) : std::nullopt;
  }

  void announce(Phase phase) {
    state_.phase.store(phase);
    for (auto& t : threads_) t->wake();
  }

  nlohmann::json report() {
    std::vector<const std::vector<Delivery>*> deliveries;
    std::map<std::string, uint64_t> failures;
    uint64_t errors = 0;
    for (auto& t : threads_) {
      for (const auto& player : t->players()) deliveries.push_back(&player->deliveries());
      for (const auto& [reason, count] : t->failures()) {
        failures[reason] += count;
        errors += count;
      }
    }
    if (!options_.dump_path.empty()) dump(options_.dump_path);
    Spread spread = measure_spread(deliveries);
    std::vector<double> last;
    nlohmann::json rounds = nlohmann::json::array();
    for (const RoundSpread& r : spread.rounds) {
      last.push_back(r.last_ms);
      rounds.push_back({{"msn", r.part.msn},
                        {"part", r.part.part},
                        {"players", r.players},
                        {"p50_ms", round_ms(r.p50_ms)},
                        {"last_ms", round_ms(r.last_ms)}});
    }
    std::sort(last.begin(), last.end());
    const std::vector<double>& all = spread.after_first_ms;
    nlohmann::json out = {
        {"url", options_.url},
        {"players", options_.players},
        {"rounds", options_.rounds},
        {"threads", options_.threads},
        {"connected", sum(&ThreadCounters::connected)},
        {"deliveries", all.size()},
        {"deliveries_expected", uint64_t{options_.players} * options_.rounds},
        {"not_parked", spread.not_parked},
        {"errors", errors},
        {"failures", failures},
        {"delivery_after_first_ms",
         {{"p50", round_ms(quantile(all, 0.5))},
          {"p99", round_ms(quantile(all, 0.99))},
          {"max", round_ms(all.empty() ? 0 : all.back())}}},
        {"last_player_per_part_ms",
         {{"p50", round_ms(quantile(last, 0.5))},
          {"p99", round_ms(quantile(last, 0.99))},
          {"max", round_ms(last.empty() ? 0 : last.back())}}},
    };
    if (options_.per_round) out["per_round"] = rounds;
    return out;
  }

  void dump(const std::string& path) {
    std::ofstream out(path);
    out << "msn,part,player,sent_ns,arrived_ns\n";
    for (auto& t : threads_) {
      for (const auto& player : t->players()) {
        for (const Delivery& d : player->deliveries()) {
          out << d.part.msn << ',' << d.part.part << ',' << player->id() << ',' << d.sent_ns << ','
              << d.arrived_ns << '\n';
        }
      }
    }
    if (!out) std::cerr << "ll_hls_park: cannot write " << path << "\n";
  }

  const Options& options_;
  RunState state_;
  std::vector<std::unique_ptr<ParkThread>> threads_;
};

}  // namespace
}  // namespace ll_hls_park

int main(int argc, char** argv) {
  using namespace ll_hls_park;
  Options options = parse_options(argc, argv);
  uint64_t open_files = ws_load::raise_open_file_limit();
  if (uint64_t needed = uint64_t{options.players} + 64; needed > open_files) {
    std::cerr << "ll_hls_park: " << options.players << " sockets need RLIMIT_NOFILE >= " << needed
              << ", the hard limit is " << open_files << "\n";
    return 2;
  }
  nlohmann::json report = Run(options).execute();
  std::cout << report.dump() << "\n";
  bool ok = report["finished"].get<bool>() && report["errors"].get<uint64_t>() == 0 &&
            report["deliveries"].get<uint64_t>() > 0;
  return ok ? 0 : 1;
}
