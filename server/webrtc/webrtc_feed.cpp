// WebRtcFeed: the stream's FLV tags to shared RTP frames.
#include "server/webrtc/webrtc_feed.hpp"

#include <algorithm>


#include "codec/avc/decoder_config.hpp"
#include "codec/avc/profile_level.hpp"
#include "codec/flv/audio_tag.hpp"
#include "codec/flv/video_tag.hpp"
#include "protocol/rtp/rtp_header.hpp"
#include "server/clock.hpp"
#include "server/logging.hpp"
#include "server/stream/stream.hpp"
#include "server/webrtc/random_value.hpp"

namespace liverelay::webrtc {
namespace {

// Whether the stream's cached GOP holds frames whose presentation time differs from their decode
// time: B-frames.
bool cache_has_bframes(const GopCache& cache) {
  for (const MediaTag& tag : cache.snapshot()) {
    if (tag.kind != TagKind::video || tag.config || tag.payload->empty()) continue;
    auto header = flv::parse_video_tag_header(*tag.payload);
    if (header && header->kind == flv::VideoPacketKind::coded_frames && header->composition_time_ms != 0) return true;
  }
  return false;
}

// A re-encoder asks for a keyframe at most this often, however many viewers lose pictures.
constexpr int64_t kKeyframeRequestIntervalMs = 500;

}  // namespace

WebRtcFeed::WebRtcFeed(uv_loop_t* loop, Stream& stream, WebRtcFeedOptions options)
    // RFC 3550 5.1: timestamps start at a random value.
    : loop_(loop), stream_(stream), options_(options), video_timestamp_offset_(static_cast<uint32_t>(random_u64())),
      audio_timestamp_offset_(static_cast<uint32_t>(random_u64())) {
  audio_ = std::make_unique<OpusTrack>(loop_, audio_timestamp_offset_, [this](SharedRtpFrame frame) {
    deliver(std::move(frame));
  });
  // Known before the snapshot is replayed, so that the cached GOP goes to the re-encoder.
  if (options_.reencode_bframes && cache_has_bframes(stream_.fanout().cache())) {
    reencode_ = true;
    source_bframes_ = true;
  }
  stream_.fanout().add(*this);  // the cached configuration and GOP arrive now
}

WebRtcFeed::~WebRtcFeed() { stream_.fanout().remove(*this); }

FeedDescription WebRtcFeed::describe() const {
  FeedDescription description;
  description.has_video = reencode_ ? reencoded_ != nullptr : packetizer_.has_value();
  description.profile_level_id = reencoded_ ? reencoded_->profile_level_id() : source_profile_level_id_;
  description.bframes = source_bframes_;
  description.has_audio = audio_->configured();
  return description;
}

void WebRtcFeed::subscribe(RtpFrameSink& sink) {
  if (std::find(sinks_.begin(), sinks_.end(), &sink) != sinks_.end()) return;
  sinks_.push_back(&sink);
  for (const SharedRtpFrame& frame : gop_) sink.on_frame(frame);
}

void WebRtcFeed::unsubscribe(RtpFrameSink& sink) { std::erase(sinks_, &sink); }

std::optional<uint32_t> WebRtcFeed::video_rtp_time(int64_t now_wall_ms) const {
  if (!last_video_) return std::nullopt;
  const int64_t pts_ms = last_video_->pts_ms + (now_wall_ms - last_video_->wall_ms);
  return video_timestamp_offset_ + static_cast<uint32_t>(pts_ms * 90);
}

std::optional<uint32_t> WebRtcFeed::audio_rtp_time(int64_t now_wall_ms) const {
  if (!last_audio_) return std::nullopt;
  const int64_t pts_ms = last_audio_->pts_ms + (now_wall_ms - last_audio_->wall_ms);
  return audio_timestamp_offset_ + static_cast<uint32_t>(pts_ms * 48);
}

void WebRtcFeed::on_stream_begin() {
  timeline_.restart();
  audio_->restart();
  gop_.clear();
  gop_bytes_ = 0;
}

void WebRtcFeed::on_stream_end() {
  gop_.clear();
  gop_bytes_ = 0;
  // A sink may unsubscribe (and go) in its callback: walk a copy.
  const std::vector<RtpFrameSink*> sinks = sinks_;
  for (RtpFrameSink* sink : sinks) {
    if (std::find(sinks_.begin(), sinks_.end(), sink) != sinks_.end()) sink->on_feed_end();
  }
}

void WebRtcFeed::on_tag(const MediaTag& tag) {
  if (tag.kind == TagKind::video) on_video(tag);
  if (tag.kind == TagKind::audio) on_audio(tag);
}

void WebRtcFeed::on_audio(const MediaTag& tag) {
  const std::span<const uint8_t> body(tag.payload->data(), tag.payload->size());
  if (body.empty()) return;
  auto header = flv::parse_audio_tag_header(body);
  if (!header || header->codec != media::Codec::aac) return;
  const std::span<const uint8_t> payload = body.subspan(header->payload_offset);
  if (header->kind == flv::AudioPacketKind::sequence_start) {
    audio_->on_config(payload);
  } else if (header->kind == flv::AudioPacketKind::coded_frames) {
    audio_->on_frame(payload, unwrapper_.unwrap(timeline_.map(tag.timestamp)));
  }
}

void WebRtcFeed::on_video(const MediaTag& tag) {
  const std::span<const uint8_t> body(tag.payload->data(), tag.payload->size());
  if (body.empty()) return;
  auto header = flv::parse_video_tag_header(body);
  if (!header || header->codec != media::Codec::h264) return;
  const std::span<const uint8_t> payload = body.subspan(header->payload_offset);
  if (header->kind == flv::VideoPacketKind::sequence_start) {
    last_avcc_.assign(payload.begin(), payload.end());
    set_video_config(payload);
    if (reencode_) start_reencoder();
    return;
  }
  if (header->kind != flv::VideoPacketKind::coded_frames) return;
  const int64_t dts_ms = unwrapper_.unwrap(timeline_.map(tag.timestamp));
  const int64_t pts_ms = dts_ms + header->composition_time_ms;
  if (header->composition_time_ms != 0) {
    source_bframes_ = true;
    if (options_.reencode_bframes && !reencode_) {
      // B-frames showed up mid-stream (a new publisher): re-encode from the next keyframe on.
      reencode_ = true;
      gop_.clear();
      gop_bytes_ = 0;
      start_reencoder();
    }
  }
  if (reencode_) {
    if (reencoded_) reencoded_->on_frame(payload, dts_ms, pts_ms, header->keyframe());
    return;
  }
  on_passthrough_video(payload, pts_ms, header->keyframe());
}

void WebRtcFeed::start_reencoder() {
  reencoded_.reset();
  if (last_avcc_.empty()) return;
  const auto& video = stream_.video();
  const int bitrate = reencode_bitrate_kbps(stream_.ingest().bitrate_kbps(steady_ms()), video ? video->width : 640,
                                            video ? video->height : 360);
  auto track = ReencodedVideoTrack::create(loop_, last_avcc_, bitrate, video_timestamp_offset_,
                                           [this](SharedRtpFrame frame) { deliver(std::move(frame)); });
  if (!track) {
    logger("webrtc")->warn("stream {}: {}", stream_.name(), track.error().message);
    return;
  }
  reencoded_ = std::move(*track);
}

void WebRtcFeed::request_keyframe() {
  if (!reencoded_) return;
  const int64_t now_ms = steady_ms();
  if (now_ms - last_keyframe_request_ms_ < kKeyframeRequestIntervalMs) return;
  last_keyframe_request_ms_ = now_ms;
  reencoded_->request_keyframe();
}

void WebRtcFeed::set_video_config(std::span<const uint8_t> avcc) {
  auto config = avc::parse_decoder_config(avcc);
  if (!config) {
    logger("webrtc")->warn("stream {}: H.264 configuration: {}", stream_.name(), config.error().message);
    return;
  }
  rtp::H264PacketizerConfig packetizer;
  packetizer.nal_length_size = config->length_size;
  packetizer.timestamp_offset = video_timestamp_offset_;
  if (packetizer_) packetizer.first_sequence = packetizer_->next_sequence();
  packetizer_.emplace(packetizer);
  if (auto set = packetizer_->set_parameter_sets(config->sps, config->pps); !set) {
    logger("webrtc")->warn("stream {}: H.264 parameter sets: {}", stream_.name(), set.error().message);
    packetizer_.reset();
    return;
  }
  source_profile_level_id_ =
      avc::profile_level_id(config->profile_indication, config->profile_compatibility, config->level_indication);
}

void WebRtcFeed::on_passthrough_video(std::span<const uint8_t> payload, int64_t pts_ms, bool keyframe) {
  if (!packetizer_) return;
  auto frame = std::make_shared<RtpFrame>();
  frame->kind = RtpMediaKind::video;
  frame->keyframe = keyframe;
  frame->pts_ms = pts_ms;
  auto packets = packetizer_->packetize(payload, pts_ms, keyframe, frame->packets);
  if (!packets || *packets == 0) return;
  for (const auto& entry : frame->packets.entries()) frame->payload_bytes += entry.size - rtp::kRtpHeaderSize;
  deliver(std::move(frame));
}

void WebRtcFeed::deliver(SharedRtpFrame frame) {
  ClockPoint point{frame->pts_ms, wall_ms()};
  (frame->kind == RtpMediaKind::video ? last_video_ : last_audio_) = point;
  if (frame->kind == RtpMediaKind::video) keep_in_gop(frame);
  const std::vector<RtpFrameSink*> sinks = sinks_;
  for (RtpFrameSink* sink : sinks) {
    if (std::find(sinks_.begin(), sinks_.end(), sink) != sinks_.end()) sink->on_frame(frame);
  }
}

void WebRtcFeed::keep_in_gop(const SharedRtpFrame& frame) {
  if (frame->keyframe) {
    gop_.clear();
    gop_bytes_ = 0;
  } else if (gop_.empty()) {
    return;  // no keyframe to start from: a joiner waits for the next one
  }
  gop_bytes_ += frame->packets.bytes().size();
  if (gop_bytes_ > options_.max_gop_bytes) {
    gop_.clear();
    gop_bytes_ = 0;
    return;
  }
  gop_.push_back(frame);
}

}  // namespace liverelay::webrtc
