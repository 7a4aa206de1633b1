// Test helper: runs packets through a SegmentMuxer, cutting like a segmenter would.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "codec/hls/segment_muxer.hpp"
#include "codec/media_packet.hpp"

namespace liverelay::testing {

struct MuxedStream {
  std::vector<uint8_t> init;
  std::vector<std::vector<uint8_t>> segments;
  std::vector<std::vector<media::MediaPacket>> inputs;  // the packets written into each segment

  [[nodiscard]] std::vector<uint8_t> joined(size_t first = 0) const {
    std::vector<uint8_t> out = init;
    for (size_t i = first; i < segments.size(); ++i)
      out.insert(out.end(), segments[i].begin(), segments[i].end());
    return out;
  }
};

// A new segment starts at the first video keyframe (any packet without video) at least
// `segment_ms` after the current one started; finish_segment(it) is called right before it.
inline MuxedStream mux_segments(hls::SegmentFormat format, const std::optional<media::VideoConfig>& video,
                                const std::optional<media::AudioConfig>& audio,
                                const std::vector<media::MediaPacket>& packets, int64_t segment_ms = 2000) {
  auto muxer = hls::SegmentMuxer::create(format, video, audio);
  REQUIRE(muxer);
  MuxedStream out;
  std::optional<int64_t> start;
  for (const auto& packet : packets) {
    const bool can_cut = video ? packet.track == media::TrackKind::video && packet.keyframe : true;
    if (can_cut && (!start || packet.dts_ms - *start >= segment_ms)) {
      if (start) {
        auto bytes = (*muxer)->finish_segment(packet);
        REQUIRE(bytes);
        out.segments.push_back(std::move(*bytes));
      }
      start = packet.dts_ms;
      out.inputs.emplace_back();
    }
    if (!start) continue;  // nothing before the first cut point, as a segmenter would
    REQUIRE((*muxer)->write(packet));
    out.inputs.back().push_back(packet);
  }
  auto last = (*muxer)->finish_segment();
  REQUIRE(last);
  out.segments.push_back(std::move(*last));
  out.init = (*muxer)->init_segment();
  return out;
}

}  // namespace liverelay::testing
