// Stream: broadcast lifecycle, demuxing of the publisher's tags and the ingest figures.
#include "server/stream/stream.hpp"

#include <array>

#include <fmt/format.h>

#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {

// A publisher chooses how often its configuration changes: only the first few changes are logged.
void Stream::log_config(const flv::DemuxOutput& output) {
  switch (config_log_budget_.spend()) {
    case LogBudget::Verdict::write:
      break;
    case LogBudget::Verdict::last_word:
      logger("stream")->warn("{}: the publisher keeps changing its configuration; further changes are not logged", name_);
      return;
    case LogBudget::Verdict::silent:
      return;
  }
  if (output.video_config) {
    const auto& v = *output.video_config;
    logger("stream")->info("{}: video {} {} {} {}x{}", name_, media::codec_name(v.codec), v.profile, v.level,
                           v.width, v.height);
  }
  if (output.audio_config) {
    const auto& a = *output.audio_config;
    logger("stream")->info("{}: audio {} {} Hz {} ch", name_, media::codec_name(a.codec), a.sample_rate, a.channels);
  }
}

void Stream::begin_broadcast(PublisherInfo publisher) {
  // A reconnect within the grace continues the broadcast's HLS behind a discontinuity.
  if (!hls_ || hls_->ended()) {
    const int64_t now = wall_ms();
    hls_ = std::make_unique<HlsPackager>(name_, fmt::format("b{:x}", now), options_.hls);
    if (observer_) hls_->set_segment_listener(observer_->on_broadcast_begin(name_, now));
  }
  publisher_ = std::move(publisher);
  started_ = std::chrono::steady_clock::now();
  demuxer_ = flv::MediaDemuxer{};
  config_log_budget_ = LogBudget(kConfigLogLines);
  stats_ = IngestStats{};
  metadata_encoder_.clear();
  metadata_fps_.reset();
  fanout_.on_stream_begin();
}

void Stream::end_broadcast() {
  publisher_.reset();
  gone_at_ms_ = steady_ms();
  gone_at_wall_ms_ = wall_ms();
  if (hls_) hls_->on_publisher_gone();
}

void Stream::end_now() {
  if (publisher_ || !hls_ || hls_->ended()) return;
  finish_broadcast();
  gone_at_ms_ = steady_ms() - options_.reconnect_grace_ms;  // the ended playlist is kept as usual
}

void Stream::tick(int64_t now) {
  if (publisher_ || !hls_) return;
  if (!hls_->ended() && now - gone_at_ms_ >= options_.reconnect_grace_ms) finish_broadcast();
  if (hls_->ended() && now - gone_at_ms_ >= options_.reconnect_grace_ms + options_.ended_playlist_kept_ms) {
    hls_.reset();
  }
}

void Stream::finish_broadcast() {
  hls_->end();
  fanout_.on_stream_end();
  if (observer_) observer_->on_broadcast_end(name_, gone_at_wall_ms_);
}

double Stream::uptime_s() const {
  if (!publisher_) return 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

std::string Stream::encoder() const {
  if (!metadata_encoder_.empty()) return metadata_encoder_;
  return publisher_ ? publisher_->flash_ver : std::string();
}

Result<void> Stream::on_video(uint32_t timestamp, media::SharedBuffer tag, int64_t arrival_us) {
  const size_t bytes = tag->size();
  auto handled = on_demuxed(demuxer_.on_video(timestamp, tag), bytes, arrival_us);
  if (handled) fanout_.on_tag(TagKind::video, timestamp, std::move(tag));  // as received, shared
  return handled;
}

Result<void> Stream::on_audio(uint32_t timestamp, media::SharedBuffer tag, int64_t arrival_us) {
  const size_t bytes = tag->size();
  auto handled = on_demuxed(demuxer_.on_audio(timestamp, tag), bytes, arrival_us);
  if (handled) fanout_.on_tag(TagKind::audio, timestamp, std::move(tag));
  return handled;
}

Result<void> Stream::on_demuxed(Result<flv::DemuxOutput> output, size_t bytes, int64_t arrival_us) {
  stats_.on_bytes(steady_ms(), bytes);
  if (!output) {
    stats_.on_dropped(1);
    return tl::unexpected(output.error());
  }
  // Packaging drops (a refused write, a segment the muxer could not finish) count as ingest drops.
  const uint64_t hls_dropped_before = hls_ ? hls_->dropped_packets() : 0;
  if (output->video_config || output->audio_config) log_config(*output);
  if ((output->video_config || output->audio_config) && hls_) {
    hls_->on_config(demuxer_.video_config(), demuxer_.audio_config());
  }
  if (output->packet) {
    stats_.on_packet(*output->packet, arrival_us / 1000);
    if (hls_) hls_->on_packet(*output->packet, wall_ms(), arrival_us);
  }
  if (hls_) stats_.on_dropped(hls_->dropped_packets() - hls_dropped_before);
  return {};
}

void Stream::on_metadata(const amf0::Value& metadata) {
  if (const auto* encoder = metadata.get("encoder"); encoder && encoder->as_string()) {
    metadata_encoder_ = encoder->as_string()->substr(0, 128);
  }
  if (const auto* fps = metadata.get("framerate"); fps && fps->as_number()) {
    metadata_fps_ = *fps->as_number();
  }
  // Players get it as a data message of their own: onMetaData, without @setDataFrame.
  const std::array<amf0::Value, 2> values{"onMetaData", metadata};
  fanout_.on_tag(TagKind::metadata, 0, std::make_shared<const media::Buffer>(amf0::encode_all(values)));
}

void Stream::on_other_bytes(size_t bytes) { stats_.on_bytes(steady_ms(), bytes); }

}  // namespace liverelay
