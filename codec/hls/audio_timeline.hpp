// Audio decode times counted in samples, so consecutive frames join without millisecond jitter.
#pragma once

#include <cstdint>
#include <optional>

namespace liverelay::hls {

// FLV timestamps are whole milliseconds, so a 1024-sample AAC frame at 44.1 kHz (23.22 ms)
// arrives 23, 23 or 24 ms after the previous one. An MP4 fragment's last frame lasts exactly
// its own duration, and the next fragment's decode time is the sum of the durations before
// it: with jittery timestamps those drift apart. This clock keeps counting frames from the
// first timestamp and only jumps back to the input when the two differ by more than
// kResyncMs (a real gap or overlap, not rounding).
class AudioTimeline {
 public:
  static constexpr int64_t kResyncMs = 2;

  // `time_base_den / time_base_num` ticks per second: the output stream's time base.
  AudioTimeline(int sample_rate, int frame_samples, int time_base_num, int time_base_den);

  struct Stamp {
    int64_t dts = 0;       // in the output time base
    int64_t duration = 0;  // exactly up to the next frame's dts, if that one is on time
  };

  // `input_dts` is the packet's timestamp already in the output time base.
  Stamp next(int64_t input_dts);

 private:
  [[nodiscard]] int64_t ticks(int64_t samples) const;

  int sample_rate_;
  int frame_samples_;
  int time_base_num_;
  int time_base_den_;
  std::optional<int64_t> base_;  // dts of the frame the count started from
  int64_t samples_ = 0;          // samples since base_
};

}  // namespace liverelay::hls
