// The window's figures from two samples of every viewer's counters.
#include "window_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace whep_load {
namespace {

double rounded(double value, double step = 0.001) {
  return std::round(value / step) * step;
}

nlohmann::json spread(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  if (values.empty()) return nullptr;
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  return {{"min", rounded(values.front())},
          {"p50", rounded(quantile(values, 0.5))},
          {"mean", rounded(mean)},
          {"max", rounded(values.back())}};
}

}  // namespace

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

ViewerSample sample(const Viewer& viewer) {
  const ViewerCounters& c = viewer.counters();
  constexpr auto relaxed = std::memory_order_relaxed;
  return ViewerSample{c.bytes.load(relaxed),
                      c.video_packets.load(relaxed),
                      c.video_bytes.load(relaxed),
                      c.audio_packets.load(relaxed),
                      c.rtcp_packets.load(relaxed),
                      c.video_highest_seq.load(relaxed),
                      c.checks_sent.load(relaxed),
                      c.checks_answered.load(relaxed),
                      viewer.state() == ViewerState::connected};
}

nlohmann::json window_report(const std::vector<Viewer*>& viewers, const std::vector<ViewerSample>& start,
                             const std::vector<ViewerSample>& end, double seconds) {
  std::vector<double> mbps, video_mbps, audio_pps, rtcp_pps, gaps_ms;
  uint64_t expected = 0, received = 0, checks_sent = 0, checks_answered = 0, silent = 0;
  for (size_t i = 0; i < viewers.size(); ++i) {
    if (!start[i].connected || !end[i].connected) continue;
    const ViewerSample& a = start[i];
    const ViewerSample& b = end[i];
    mbps.push_back(static_cast<double>(b.bytes - a.bytes) * 8 / seconds / 1e6);
    video_mbps.push_back(static_cast<double>(b.video_bytes - a.video_bytes) * 8 / seconds / 1e6);
    audio_pps.push_back(static_cast<double>(b.audio_packets - a.audio_packets) / seconds);
    rtcp_pps.push_back(static_cast<double>(b.rtcp_packets - a.rtcp_packets) / seconds);
    gaps_ms.push_back(static_cast<double>(viewers[i]->counters().max_video_gap_ns.load()) / 1e6);
    if (b.video_packets == a.video_packets) ++silent;
    if (a.video_highest_seq != 0) {  // loss counts from a packet seen before the window
      expected += b.video_highest_seq - a.video_highest_seq;
      received += b.video_packets - a.video_packets;
    }
    checks_sent += b.checks_sent - a.checks_sent;
    checks_answered += b.checks_answered - a.checks_answered;
  }
  const double total = std::accumulate(mbps.begin(), mbps.end(), 0.0);
  return {{"seconds", rounded(seconds)},
          {"viewers_measured", mbps.size()},
          {"viewers_without_video", silent},
          {"received_mbps_per_viewer", spread(mbps)},
          {"video_mbps_per_viewer", spread(video_mbps)},
          {"audio_packets_per_s_per_viewer", spread(audio_pps)},
          {"rtcp_packets_per_s_per_viewer", spread(rtcp_pps)},
          {"max_video_gap_ms", spread(gaps_ms)},
          {"received_mbps_total", rounded(total)},
          {"video_packets_expected", expected},
          {"video_packets_received", received},
          {"video_loss_percent",
           expected ? rounded(100.0 * (static_cast<double>(expected) - static_cast<double>(received)) /
                              static_cast<double>(expected))
                    : 0.0},
          {"consent_checks_sent", checks_sent},
          {"consent_checks_answered", checks_answered}};
}

}  // namespace whep_load
