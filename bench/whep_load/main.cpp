// whep_load: N WebRTC viewers of one stream, each as a browser would connect over WHEP: POST a
// recvonly offer, ICE checks to the server's host candidate, the DTLS 1.2 client handshake with
// use_srtp, then SRTP counted (not decrypted) for a measured window, consent renewed every 2 s.
// Prints JSON lines on stdout: {"event":"connected",...}, {"event":"window_start"}, and last
// the report (per-viewer Mb/s, loss, failures, its own CPU, the server's CPU and RSS).
//
//   whep_load --url http://127.0.0.1:8080/live/bench/whep --viewers 200 --threads 1
//             --warmup 5 --seconds 20 --server-pid PID
#include <openssl/rand.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "protocol/webrtc/ice_credentials.hpp"
#include "viewer_thread.hpp"
#include "whep_options.hpp"
#include "window_report.hpp"
#include "ws_load/proc_stats.hpp"

namespace whep_load {
namespace {

using ws_load::monotonic_ns;

uint64_t random_u64() {
  uint64_t value = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof(value));
  return value;
}

double seconds_since(uint64_t start_ns) {
  return static_cast<double>(monotonic_ns() - start_ns) / 1e9;
}

void event(const nlohmann::json& line) {
  std::cout << line.dump() << std::endl;
}

std::string first_line(const std::string& text) {
  return text.substr(0, std::min(text.find('\n'), size_t{160}));
}

class Run {
 public:
  Run(const Options& options, HttpUrl url, DtlsIdentity identity)
      : options_(options), url_(std::move(url)), identity_(std::move(identity)) {
    for (unsigned t = 0; t < options.threads; ++t) threads_.push_back(std::make_unique<ViewerThread>());
  }

  nlohmann::json execute() {
    const auto rss_before = server_rss();
    const uint64_t start = monotonic_ns();
    std::vector<double> post_ms;
    for (uint32_t id = 0; id < options_.viewers; ++id) {
      const uint64_t posted = monotonic_ns();
      if (auto viewer = open_viewer(id)) {
        post_ms.push_back(static_cast<double>(monotonic_ns() - posted) / 1e6);
        threads_[id % threads_.size()]->add(std::move(*viewer));
      } else {
        ++failures_[viewer.error().message];
      }
    }
    for (auto& t : threads_) t->start();
    const bool all_connected = wait_connected();
    for (const auto& t : threads_)
      for (const auto& v : t->viewers()) viewers_.push_back(v.get());
    event({{"event", "connected"},
           {"connected", count(ViewerState::connected)},
           {"seconds", seconds_since(start)}});
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.warmup));
    nlohmann::json out = measure_window();
    out["all_connected_in_time"] = all_connected;
    out["post_ms"] = summary(std::move(post_ms));
    out["server"]["rss_kib_before"] = rss_before ? nlohmann::json(*rss_before) : nlohmann::json(nullptr);
    finish(out);
    return out;
  }

 private:
  // 127.0.0.1 .. 127.0.0.N in turn (all of 127/8 is loopback); empty with one address.
  std::string source_ip(uint32_t id) const {
    if (options_.source_addresses <= 1) return {};
    return "127.0.0." + std::to_string(1 + id % options_.source_addresses);
  }

  liverelay::Result<std::unique_ptr<Viewer>> open_viewer(uint32_t id) {
    auto ice = liverelay::webrtc::generate_ice_credentials();
    if (!ice) return tl::unexpected(ice.error());
    const std::string offer = make_offer({ice->ufrag, ice->pwd, identity_.fingerprint(), random_u64() >> 2});
    auto reply = http_request(url_, "POST", url_.path, "application/sdp", offer, source_ip(id));
    if (!reply) return tl::unexpected(reply.error());
    if (reply->status != 201)
      return liverelay::fail(liverelay::Errc::refused,
                             "POST: " + std::to_string(reply->status) + " " + first_line(reply->body));
    auto answer = read_answer(reply->body);
    if (!answer) return tl::unexpected(answer.error());
    CheckCredentials credentials{answer->ice_ufrag, answer->ice_pwd, ice->ufrag, random_u64()};
    return Viewer::create(id, identity_, std::move(*answer), std::move(credentials), reply->location,
                          source_ip(id), monotonic_ns());
  }

  bool wait_connected() {
    const uint64_t start = monotonic_ns();
    while (seconds_since(start) < options_.connect_timeout) {
      bool settled = true;
      for (const auto& t : threads_)
        for (const auto& v : t->viewers())
          settled = settled && v->state() != ViewerState::checking && v->state() != ViewerState::handshaking;
      if (settled) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  nlohmann::json measure_window() {
    for (Viewer* v : viewers_) v->counters().max_video_gap_ns.store(0);
    // Read by the main thread only after the loops stopped (finish()).
    if (!options_.trace_path.empty() && !viewers_.empty()) viewers_.front()->start_trace();
    std::vector<ViewerSample> first, last;
    for (Viewer* v : viewers_) first.push_back(sample(*v));
    const auto server_before = server_cpu();
    const double own_before = ws_load::own_cpu_seconds();
    const uint64_t window_start = monotonic_ns();
    event({{"event", "window_start"}});
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.seconds));
    for (Viewer* v : viewers_) last.push_back(sample(*v));
    const double elapsed = seconds_since(window_start);
    const auto server_after = server_cpu();
    const double own = ws_load::own_cpu_seconds() - own_before;
    nlohmann::json out = {{"window", window_report(viewers_, first, last, elapsed)}};
    out["client_cpu_percent"] = std::round(1000 * own / elapsed) / 10;
    nlohmann::json server = {{"pid", options_.server_pid}};
    server["cpu_percent"] =
        server_before && server_after
            ? nlohmann::json(std::round(1000 * (*server_after - *server_before) / elapsed) / 10)
            : nlohmann::json(nullptr);
    const auto rss = server_rss();
    server["rss_kib_window"] = rss ? nlohmann::json(*rss) : nlohmann::json(nullptr);
    out["server"] = server;
    return out;
  }

  // Counts, failure reasons, connect times; then DELETE and stop.
  void finish(nlohmann::json& out) {
    std::vector<double> connect_ms;
    std::map<std::string, uint64_t> profiles;
    for (Viewer* v : viewers_) {
      if (v->connect_ns() != 0) connect_ms.push_back(static_cast<double>(v->connect_ns()) / 1e6);
      if (v->state() == ViewerState::connected) ++profiles[v->srtp_profile()];
      if (v->state() == ViewerState::failed) ++failures_[v->failure()];
      if (v->state() == ViewerState::checking)
        ++failures_["no ICE check answered within the connect timeout"];
      if (v->state() == ViewerState::handshaking)
        ++failures_["DTLS not connected within the connect timeout"];
    }
    uint64_t failed = 0;
    for (const auto& [reason, n] : failures_) failed += n;
    out["url"] = options_.url;
    out["viewers"] = options_.viewers;
    out["threads"] = options_.threads;
    out["source_addresses"] = options_.source_addresses;
    out["connected_at_end"] = count(ViewerState::connected);
    out["failed"] = failed;
    out["failures"] = failures_;
    out["srtp_profiles"] = profiles;
    out["connect_ms"] = summary(std::move(connect_ms));
    // An overloaded server answers slowly: past the budget, consent expiry ends the rest.
    uint64_t delete_failures = 0, not_deleted = 0;
    const uint64_t deleting = monotonic_ns();
    for (Viewer* v : viewers_) {
      if (!options_.delete_sessions || seconds_since(deleting) > options_.delete_budget) {
        ++not_deleted;
        continue;
      }
      auto reply = http_request(url_, "DELETE", v->location(), {}, {}, v->source_ip());
      if (!reply || reply->status != 200) ++delete_failures;
    }
    out["delete_failures"] = delete_failures;
    out["not_deleted"] = not_deleted;
    out["delete_seconds"] = std::round(seconds_since(deleting) * 100) / 100;
    for (auto& t : threads_) t->stop();
    if (!options_.trace_path.empty() && !viewers_.empty()) write_trace(*viewers_.front());
  }

  void write_trace(const Viewer& viewer) const {
    std::ofstream out(options_.trace_path);
    out << "kind,sequence,timestamp,arrived_ns\n";
    for (const Viewer::TracePoint& p : viewer.trace())
      out << p.kind << ',' << p.sequence << ',' << p.timestamp << ',' << p.arrived_ns << '\n';
    if (!out) std::cerr << "whep_load: cannot write " << options_.trace_path << "\n";
  }

  uint64_t count(ViewerState state) const {
    uint64_t n = 0;
    for (const auto& t : threads_)
      for (const auto& v : t->viewers()) n += v->state() == state ? 1 : 0;
    return n;
  }

  static nlohmann::json summary(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    if (values.empty()) return nullptr;
    auto r = [](double v) { return std::round(v * 10) / 10; };
    return {{"p50", r(quantile(values, 0.5))}, {"p99", r(quantile(values, 0.99))}, {"max", r(values.back())}};
  }

  std::optional<uint64_t> server_rss() const {
    return options_.server_pid > 0 ? ws_load::resident_kib(options_.server_pid) : std::nullopt;
  }
  std::optional<double> server_cpu() const {
    return options_.server_pid > 0 ? ws_load::cpu_seconds(options_.server_pid) : std::nullopt;
  }

  const Options& options_;
  HttpUrl url_;
  DtlsIdentity identity_;
  std::vector<std::unique_ptr<ViewerThread>> threads_;
  std::vector<Viewer*> viewers_;
  std::map<std::string, uint64_t> failures_;
};

}  // namespace
}  // namespace whep_load

int main(int argc, char** argv) {
  using namespace whep_load;
  const Options options = parse_options(argc, argv);
  if (const uint64_t open_files = ws_load::raise_open_file_limit(); open_files < options.viewers + 64ull) {
    std::cerr << "whep_load: " << options.viewers << " sockets need RLIMIT_NOFILE >= " << options.viewers + 64
              << ", the hard limit is " << open_files << "\n";
    return 2;
  }
  auto url = parse_http_url(options.url);
  auto identity = DtlsIdentity::generate();
  if (!url || !identity) {
    std::cerr << "whep_load: " << (!url ? url.error().message : identity.error().message) << "\n";
    return 2;
  }
  nlohmann::json report = Run(options, std::move(*url), std::move(*identity)).execute();
  std::cout << report.dump() << "\n";
  return report["failed"].get<uint64_t>() == 0 &&
                 report["connected_at_end"].get<uint64_t>() == options.viewers
             ? 0
             : 1;
}
