// A sample-counting audio clock for the HLS segment muxer.
#include "codec/hls/audio_timeline.hpp"

#include <cstdlib>

extern "C" {
#include <libavutil/mathematics.h>
}

namespace liverelay::hls {

AudioTimeline::AudioTimeline(int sample_rate, int frame_samples, int time_base_num, int time_base_den)
    : sample_rate_(sample_rate),
      frame_samples_(frame_samples),
      time_base_num_(time_base_num),
      time_base_den_(time_base_den) {}

int64_t AudioTimeline::ticks(int64_t samples) const {
  return av_rescale_q(samples, AVRational{1, sample_rate_}, AVRational{time_base_num_, time_base_den_});
}

AudioTimeline::Stamp AudioTimeline::next(int64_t input_dts) {
  const int64_t tolerance =
      av_rescale_q(kResyncMs, AVRational{1, 1000}, AVRational{time_base_num_, time_base_den_});
  if (!base_ || std::llabs(input_dts - (*base_ + ticks(samples_))) > tolerance) {
    base_ = input_dts;
    samples_ = 0;
  }
  Stamp stamp;
  stamp.dts = *base_ + ticks(samples_);
  samples_ += frame_samples_;
  stamp.duration = *base_ + ticks(samples_) - stamp.dts;
  return stamp;
}

}  // namespace liverelay::hls
