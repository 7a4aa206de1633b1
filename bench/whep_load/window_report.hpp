// What the viewers received over the measured window: counters read at its start and its end,
// turned into per-viewer rates, loss and gaps for the JSON report.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "viewer.hpp"

namespace whep_load {

struct ViewerSample {
  uint64_t bytes = 0;
  uint64_t video_packets = 0;
  uint64_t video_bytes = 0;
  uint64_t audio_packets = 0;
  uint64_t rtcp_packets = 0;
  uint64_t video_highest_seq = 0;
  uint64_t checks_sent = 0;
  uint64_t checks_answered = 0;
  bool connected = false;
};

ViewerSample sample(const Viewer& viewer);

// Per-viewer received Mb/s (all datagrams and video alone), audio and RTCP packets per second,
// video loss (sequence advance not received), the longest video silence, consent checks answered;
// over the viewers connected at both ends of the window.
nlohmann::json window_report(const std::vector<Viewer*>& viewers, const std::vector<ViewerSample>& start,
                             const std::vector<ViewerSample>& end, double seconds);

// Nearest-rank quantile of an ascending list; 0 when empty.
double quantile(const std::vector<double>& sorted, double q);

}  // namespace whep_load
