// OpusTrack: AAC frames to the worker, Opus RTP frames back to the loop.
#include "server/webrtc/opus_track.hpp"

#include <utility>
#include <vector>

#include "codec/transcode/aac_to_opus.hpp"
#include "protocol/rtp/rtp_header.hpp"
#include "server/logging.hpp"

namespace liverelay::webrtc {
namespace {

// About 3 s of AAC frames: past that the worker cannot keep up and frames are shed.
constexpr size_t kMaxQueuedOpusJobs = 150;

}  // namespace

struct OpusTrack::WorkerState {
  std::unique_ptr<transcode::AacToOpus> transcoder;
  uint32_t timestamp_offset = 0;
  uint16_t next_sequence = 0;
  std::vector<transcode::OpusPacket> packets;  // reused
};

OpusTrack::OpusTrack(uv_loop_t* loop, uint32_t timestamp_offset, DeliverFrame deliver)
    : state_(std::make_shared<WorkerState>()),
      deliver_(std::move(deliver)),
      worker_(loop, "opus-encoder", kMaxQueuedOpusJobs) {
  state_->timestamp_offset = timestamp_offset;
  state_->next_sequence = static_cast<uint16_t>(timestamp_offset >> 16);
}

OpusTrack::~OpusTrack() = default;

void OpusTrack::on_config(std::span<const uint8_t> audio_specific_config) {
  configured_ = true;
  std::vector<uint8_t> config(audio_specific_config.begin(), audio_specific_config.end());
  worker_.post([state = state_, config = std::move(config)]() -> WorkerThread::Completion {
    auto transcoder = transcode::AacToOpus::create(config);
    if (!transcoder) {
      logger("webrtc")->warn("AAC to Opus: {}", transcoder.error().message);
      state->transcoder.reset();
      return nullptr;
    }
    state->transcoder = std::move(*transcoder);
    return nullptr;
  });
}

void OpusTrack::restart() {
  worker_.post([state = state_]() -> WorkerThread::Completion {
    if (state->transcoder) state->transcoder->reset();
    return nullptr;
  });
}

void OpusTrack::on_frame(std::span<const uint8_t> aac, int64_t pts_ms) {
  if (!configured_) return;
  ++stats_.frames_in;
  std::vector<uint8_t> frame(aac.begin(), aac.end());
  const bool queued = worker_.post([this, state = state_, frame = std::move(frame), pts_ms]() -> WorkerThread::Completion {
    if (!state->transcoder) return nullptr;
    const JobClock clock;
    state->packets.clear();
    const bool ok = state->transcoder->push(frame, pts_ms, state->packets).has_value();
    std::vector<SharedRtpFrame> frames;
    for (const transcode::OpusPacket& packet : state->packets) {
      auto rtp = std::make_shared<RtpFrame>();
      rtp->kind = RtpMediaKind::audio;
      rtp->pts_ms = packet.pts_48k / 48;
      rtp->payload_bytes = packet.data.size();
      std::span<uint8_t> bytes = rtp->packets.append(rtp::kRtpHeaderSize + packet.data.size());
      rtp::write_rtp_header({false, kOpusPlaceholderPayloadType, state->next_sequence++,
                             state->timestamp_offset + static_cast<uint32_t>(packet.pts_48k), 0},
                            bytes);
      std::copy(packet.data.begin(), packet.data.end(), bytes.begin() + rtp::kRtpHeaderSize);
      frames.push_back(std::move(rtp));
    }
    return hand_back(stats_, deliver_, std::move(frames), ok, clock);
  });
  if (!queued) ++stats_.shed;
}

}  // namespace liverelay::webrtc
