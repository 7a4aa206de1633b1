// ReencodedVideoTrack: source frames to the worker, H.264 Constrained Baseline RTP frames back.
#include "server/webrtc/reencoded_video_track.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "codec/transcode/h264_reencoder.hpp"
#include "protocol/rtp/h264_packetizer.hpp"
#include "protocol/rtp/rtp_header.hpp"
#include "server/logging.hpp"

namespace liverelay::webrtc {
namespace {

// About 2 s of 30 fps video waiting: past that the encoder is too slow for this stream.
constexpr size_t kMaxQueuedVideoJobs = 60;

}  // namespace

struct ReencodedVideoTrack::WorkerState {
  std::unique_ptr<transcode::H264Reencoder> reencoder;
  std::optional<rtp::H264Packetizer> packetizer;
  std::vector<transcode::EncodedVideoFrame> frames;  // reused
};

int reencode_bitrate_kbps(double ingest_kbps, int width, int height) {
  // 0.1 bit per pixel at 30 fps is x264's "good" for Baseline at these sizes.
  const double by_size = static_cast<double>(width) * height * 30 * 0.1 / 1000.0;
  // The ingest rate (less the audio) once measured, but not under half what the size needs: the
  // first viewer may come while the rate is still being measured, and Baseline at a starved
  // rate shows blocks.
  const double wanted = ingest_kbps > 0 ? std::max(ingest_kbps - 128, by_size / 2) : by_size;
  return static_cast<int>(std::clamp(wanted, 300.0, 8000.0));
}

Result<std::unique_ptr<ReencodedVideoTrack>> ReencodedVideoTrack::create(uv_loop_t* loop,
                                                                         std::span<const uint8_t> avcc_config,
                                                                         int bitrate_kbps, uint32_t timestamp_offset,
                                                                         DeliverFrame deliver) {
  auto reencoder = transcode::H264Reencoder::create(avcc_config, bitrate_kbps);
  if (!reencoder) return tl::unexpected(std::move(reencoder.error()).context("B-frame re-encode"));
  auto state = std::make_shared<WorkerState>();
  rtp::H264PacketizerConfig config;
  config.timestamp_offset = timestamp_offset;
  config.nal_length_size = 4;
  state->packetizer.emplace(config);
  if (auto set = state->packetizer->set_parameter_sets((*reencoder)->sps(), (*reencoder)->pps()); !set) {
    return tl::unexpected(std::move(set.error()).context("B-frame re-encode"));
  }
  std::string profile = (*reencoder)->profile_level_id();
  logger("webrtc")->info("re-encoding {}x{} video without B-frames at {} kb/s ({})", (*reencoder)->width(),
                         (*reencoder)->height(), bitrate_kbps, profile);
  state->reencoder = std::move(*reencoder);
  return std::unique_ptr<ReencodedVideoTrack>(
      new ReencodedVideoTrack(loop, std::move(state), std::move(profile), std::move(deliver)));
}

ReencodedVideoTrack::ReencodedVideoTrack(uv_loop_t* loop, std::shared_ptr<WorkerState> state,
                                         std::string profile_level_id, DeliverFrame deliver)
    : state_(std::move(state)),
      profile_level_id_(std::move(profile_level_id)),
      deliver_(std::move(deliver)),
      worker_(loop, "h264-reencoder", kMaxQueuedVideoJobs) {}

ReencodedVideoTrack::~ReencodedVideoTrack() = default;

void ReencodedVideoTrack::request_keyframe() {
  worker_.post([state = state_]() -> WorkerThread::Completion {
    state->reencoder->request_keyframe();
    return nullptr;
  });
}

void ReencodedVideoTrack::on_frame(std::span<const uint8_t> access_unit, int64_t dts_ms, int64_t pts_ms,
                                   bool keyframe) {
  ++stats_.frames_in;
  // After shedding, the decoder would see frames whose references were dropped: resume at a
  // keyframe, which the encoder turns into an IDR for every viewer.
  if (shedding_ && !keyframe) {
    ++stats_.shed;
    return;
  }
  std::vector<uint8_t> bytes(access_unit.begin(), access_unit.end());
  const bool queued = worker_.post([this, state = state_, bytes = std::move(bytes), dts_ms, pts_ms,
                                    keyframe]() -> WorkerThread::Completion {
    const JobClock clock;
    state->frames.clear();
    const bool ok = state->reencoder->push(bytes, dts_ms, pts_ms, keyframe, state->frames).has_value();
    std::vector<SharedRtpFrame> frames;
    for (const transcode::EncodedVideoFrame& encoded : state->frames) {
      auto frame = std::make_shared<RtpFrame>();
      frame->kind = RtpMediaKind::video;
      frame->keyframe = encoded.keyframe;
      frame->pts_ms = encoded.pts_ms;
      auto packets = state->packetizer->packetize(encoded.access_unit, encoded.pts_ms, encoded.keyframe, frame->packets);
      if (!packets || *packets == 0) continue;
      for (const auto& entry : frame->packets.entries()) frame->payload_bytes += entry.size - rtp::kRtpHeaderSize;
      frames.push_back(std::move(frame));
    }
    return hand_back(stats_, deliver_, std::move(frames), ok, clock);
  });
  shedding_ = !queued;
  if (!queued) ++stats_.shed;
}

}  // namespace liverelay::webrtc
