// Stream: broadcast lifecycle, demuxing of the publisher's tags and the ingest figures.
#include "server/stream/stream.hpp"

#include <fmt/format.h>

#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {

void Stream::begin_broadcast(PublisherInfo publisher) {
  // A reconnect within the grace continues the broadcast's HLS behind a discontinuity.
  if (!hls_ || hls_->ended()) {
    hls_ = std::make_unique<HlsPackager>(name_, fmt::format("b{:x}", wall_ms()), options_.hls);
  }
  publisher_ = std::move(publisher);
  started_ = std::chrono::steady_clock::now();
  demuxer_ = flv::MediaDemuxer{};
  stats_ = IngestStats{};
  metadata_encoder_.clear();
  metadata_fps_.reset();
}

void Stream::end_broadcast() {
  publisher_.reset();
  gone_at_ms_ = steady_ms();
  if (hls_) hls_->on_publisher_gone();
}

void Stream::end_now() {
  if (publisher_ || !hls_ || hls_->ended()) return;
  hls_->end();
  gone_at_ms_ = steady_ms() - options_.reconnect_grace_ms;  // the ended playlist is kept as usual
}

void Stream::tick(int64_t now) {
  if (publisher_ || !hls_) return;
  if (!hls_->ended() && now - gone_at_ms_ >= options_.reconnect_grace_ms) hls_->end();
  if (hls_->ended() && now - gone_at_ms_ >= options_.reconnect_grace_ms + options_.ended_playlist_kept_ms) {
    hls_.reset();
  }
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
  return on_demuxed(demuxer_.on_video(timestamp, std::move(tag)), bytes, arrival_us);
}

Result<void> Stream::on_audio(uint32_t timestamp, media::SharedBuffer tag, int64_t arrival_us) {
  const size_t bytes = tag->size();
  return on_demuxed(demuxer_.on_audio(timestamp, std::move(tag)), bytes, arrival_us);
}

Result<void> Stream::on_demuxed(Result<flv::DemuxOutput> output, size_t bytes, int64_t arrival_us) {
  stats_.on_bytes(steady_ms(), bytes);
  if (!output) {
    stats_.on_dropped(1);
    return tl::unexpected(output.error());
  }
  // Packaging drops (a refused write, a segment the muxer could not finish) count as ingest drops.
  const uint64_t hls_dropped_before = hls_ ? hls_->dropped_packets() : 0;
  if (output->video_config) {
    const auto& v = *output->video_config;
    logger("stream")->info("{}: video {} {} {} {}x{}", name_, media::codec_name(v.codec), v.profile,
                           v.level, v.width, v.height);
  }
  if (output->audio_config) {
    const auto& a = *output->audio_config;
    logger("stream")->info("{}: audio {} {} Hz {} ch", name_, media::codec_name(a.codec), a.sample_rate,
                           a.channels);
  }
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
}

void Stream::on_other_bytes(size_t bytes) { stats_.on_bytes(steady_ms(), bytes); }

}  // namespace liverelay
