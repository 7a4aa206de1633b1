// What a transcoding track (Opus audio, re-encoded video) counts, and how a job's frames go
// from its worker thread back to the loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "server/net/worker_thread.hpp"
#include "server/webrtc/rtp_frame.hpp"

namespace liverelay::webrtc {

struct TranscodeStats {
  uint64_t frames_in = 0;
  uint64_t frames_out = 0;  // RTP frames delivered (Opus packets, video access units)
  uint64_t errors = 0;      // input frames the decoder refused
  uint64_t shed = 0;        // input frames dropped because the worker was behind
  int64_t busy_us = 0;      // worker time spent transcoding
};

using DeliverFrame = std::function<void(SharedRtpFrame frame)>;

// Measures one job's time on the worker.
class JobClock {
 public:
  [[nodiscard]] int64_t elapsed_us() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count();
  }

 private:
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// The completion of a job: on the loop, counts it and hands its frames on. `stats` and
// `deliver` belong to the track, which outlives its worker and so every completion.
inline WorkerThread::Completion hand_back(TranscodeStats& stats, const DeliverFrame& deliver,
                                          std::vector<SharedRtpFrame> frames, bool ok, const JobClock& clock) {
  return [&stats, &deliver, frames = std::move(frames), ok, busy_us = clock.elapsed_us()] {
    stats.busy_us += busy_us;
    if (!ok) ++stats.errors;
    for (const SharedRtpFrame& frame : frames) {
      ++stats.frames_out;
      deliver(frame);
    }
  };
}

}  // namespace liverelay::webrtc
