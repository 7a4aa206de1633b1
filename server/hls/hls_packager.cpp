// HlsPackager: segmenter decisions applied to the muxer, the store and the playlist.
#include "server/hls/hls_packager.hpp"

#include "codec/hls/playlist_writer.hpp"
#include "server/clock.hpp"
#include "server/hls/memory_file_segment.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

hls::SegmentStoreOptions store_options(const HlsOptions& options) {
  hls::SegmentStoreOptions store;
  store.max_segments = options.window + 2;
  return store;
}

}  // namespace

HlsPackager::HlsPackager(std::string stream_name, std::string broadcast_tag, HlsOptions options)
    : name_(std::move(stream_name)),
      tag_(std::move(broadcast_tag)),
      options_(options),
      playlist_(hls::PlaylistOptions{options.format, options.window, options.segment_s}),
      // Segments just dropped from the playlist stay fetchable for players still loading them.
      store_(store_options(options)) {}

void HlsPackager::on_config(const std::optional<media::VideoConfig>& video,
                            const std::optional<media::AudioConfig>& audio) {
  if (video == video_ && audio == audio_) return;
  video_ = video;
  audio_ = audio;
  muxer_failed_ = false;
  if (muxer_) {
    drop_muxer();
    discontinuity_pending_ = true;
  }
}

void HlsPackager::on_packet(const media::MediaPacket& packet, int64_t wall_ms, int64_t arrival_us) {
  if (!muxer_ && !open_muxer()) return;
  // A segment must begin with a keyframe: nothing is written before the first one.
  if (!segment_open_ && video_ && !(packet.track == media::TrackKind::video && packet.keyframe)) return;
  if (auto decision = segmenter_->on_packet(packet)) {
    if (decision->closed) {
      close_segment(*decision->closed, &packet);
      listing_delay_us_.add(steady_us() - arrival_us);
    }
    start_segment(wall_ms, discontinuity_pending_);
    discontinuity_pending_ = false;
  }
  if (auto written = muxer_->write(packet); !written) {
    logger("hls")->warn("{}: {}", name_, written.error().message);
    ++dropped_packets_;
  } else {
    ++segment_packets_;
  }
}

void HlsPackager::on_publisher_gone() {
  if (muxer_) {
    drop_muxer();
    discontinuity_pending_ = true;
  }
  video_.reset();
  audio_.reset();
}

void HlsPackager::end() {
  if (muxer_) drop_muxer();
  discontinuity_pending_ = false;
  playlist_.end();
  if (segments_produced_ > 0) {
    playlist_text_ = std::make_shared<const std::string>(hls::write_media_playlist(playlist_));
  }
}

bool HlsPackager::open_muxer() {
  if (muxer_failed_ || (!video_ && !audio_)) return false;
  auto muxer = hls::SegmentMuxer::create(options_.format, video_, audio_);
  if (!muxer) {
    // Logged once per configuration: the stream stays up for other consumers.
    logger("hls")->warn("{}: no HLS for this configuration: {}", name_, muxer.error().message);
    muxer_failed_ = true;
    return false;
  }
  muxer_ = std::move(*muxer);
  segmenter_.emplace(hls::SegmenterOptions{options_.segment_s, video_.has_value()});
  init_stored_ = false;
  return true;
}

// Lists the closed segment the moment its successor's keyframe arrives: no timer in the path.
void HlsPackager::close_segment(const hls::ClosedSegment& closed, const media::MediaPacket* next) {
  if (!segment_open_) return;
  segment_open_ = false;
  auto bytes = next ? muxer_->finish_segment(*next) : muxer_->finish_segment();
  if (!bytes || bytes->empty()) {
    if (!bytes) {
      logger("hls")->warn("{}: segment dropped: {}", name_, bytes.error().message);
      dropped_packets_ += segment_packets_;
    }
    return;
  }
  std::string init;
  hls::SharedSegmentBytes new_init;
  if (options_.format == hls::SegmentFormat::fmp4) {
    init = tag_ + "-" + hls::init_uri(init_generation_);
    if (!init_stored_) {
      new_init = hls::in_memory_segment(muxer_->init_segment());
      store_.put_init(init, new_init, "video/mp4");
      init_stored_ = true;
    }
  }
  const auto content_type = std::string(hls::segment_content_type(options_.format));
  // In a memory file: served with sendfile(), no copy per request.
  auto segment_bytes = memory_file_segment(*bytes, segment_uri_);
  store_.put_segment(segment_uri_, segment_bytes, content_type, init);
  hls::SegmentEntry entry;
  entry.uri = segment_uri_;
  entry.duration_ms = closed.duration_ms;
  entry.program_date_time_ms = segment_wall_ms_;
  entry.discontinuity = segment_discontinuity_;
  entry.init_uri = init;
  playlist_.append(std::move(entry));
  ++segments_produced_;
  playlist_text_ = std::make_shared<const std::string>(hls::write_media_playlist(playlist_));
  if (listener_) listener_(ListedSegment{playlist_.segments().back(), std::move(segment_bytes), std::move(new_init)});
}

void HlsPackager::start_segment(int64_t wall_ms, bool discontinuity) {
  segment_open_ = true;
  segment_packets_ = 0;
  segment_uri_ = tag_ + "-" + hls::segment_uri(options_.format, playlist_.next_sequence());
  segment_wall_ms_ = wall_ms;
  segment_discontinuity_ = discontinuity;
}

void HlsPackager::drop_muxer() {
  if (auto closed = segmenter_->finish()) close_segment(*closed, nullptr);
  muxer_.reset();
  segmenter_.reset();
  segment_open_ = false;
  ++init_generation_;
}

}  // namespace liverelay
