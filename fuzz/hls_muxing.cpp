// A hostile publisher's media through the HLS path: FLV tags demuxed, cut into segments and
// muxed by libavformat into MPEG-TS or fMP4 in memory, the way HlsPackager drives them (a new
// muxer at each configuration change, segments starting at keyframes). The input is a run of
// tags as in flv_tags (a kind byte, odd for video; a 16-bit length; the body), after a first
// byte whose low bit picks the format.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

extern "C" {
#include <libavutil/log.h>
}

#include "codec/flv/media_demuxer.hpp"
#include "codec/hls/segment_muxer.hpp"
#include "codec/hls/segmenter.hpp"

using namespace liverelay;

namespace {

class Packager {
 public:
  explicit Packager(hls::SegmentFormat format) : format_(format) {}

  void on_output(const flv::DemuxOutput& output, const flv::MediaDemuxer& demuxer) {
    if (output.video_config || output.audio_config) {  // a new configuration: a new muxer
      muxer_.reset();
      failed_ = false;
      open_ = false;
    }
    if (!output.packet) return;
    const media::MediaPacket& packet = *output.packet;
    if (!muxer_ && !open_muxer(demuxer)) return;
    if (!open_ && has_video_ && !(packet.track == media::TrackKind::video && packet.keyframe)) return;
    if (auto decision = segmenter_->on_packet(packet)) {
      if (decision->closed) (void)muxer_->finish_segment(packet);
      open_ = true;
    }
    (void)muxer_->write(packet);
  }

  void end() {
    if (muxer_) (void)muxer_->finish_segment();
  }

 private:
  bool open_muxer(const flv::MediaDemuxer& demuxer) {
    if (failed_ || (!demuxer.video_config() && !demuxer.audio_config())) return false;
    auto muxer = hls::SegmentMuxer::create(format_, demuxer.video_config(), demuxer.audio_config());
    if (!muxer) {
      failed_ = true;  // the server logs it and carries on without HLS for this configuration
      return false;
    }
    muxer_ = std::move(*muxer);
    has_video_ = demuxer.video_config().has_value();
    segmenter_.emplace(hls::SegmenterOptions{.target_duration_s = 0.1, .has_video = has_video_});
    return true;
  }

  hls::SegmentFormat format_;
  std::unique_ptr<hls::SegmentMuxer> muxer_;
  std::optional<hls::Segmenter> segmenter_;
  bool failed_ = false;
  bool open_ = false;
  bool has_video_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  av_log_set_level(AV_LOG_QUIET);  // libavformat's complaints about bad input are expected here
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Packager packager((data[0] & 1) != 0 ? hls::SegmentFormat::fmp4 : hls::SegmentFormat::ts);
  flv::MediaDemuxer demuxer;
  std::span<const uint8_t> rest(data + 1, size - 1);
  uint32_t timestamp = 0;
  for (int tags = 0; rest.size() >= 3 && tags < 256; ++tags) {
    const bool video = (rest[0] & 1) != 0;
    const size_t length = std::min<size_t>((size_t{rest[1]} << 8) | rest[2], rest.size() - 3);
    auto tag = std::make_shared<const media::Buffer>(rest.begin() + 3, rest.begin() + 3 + static_cast<std::ptrdiff_t>(length));
    rest = rest.subspan(3 + length);
    timestamp += 33u * (rest.empty() ? 1u : rest[0]);
    auto output = video ? demuxer.on_video(timestamp, std::move(tag)) : demuxer.on_audio(timestamp, std::move(tag));
    if (output) packager.on_output(*output, demuxer);
  }
  packager.end();
  return 0;
}
