// HlsPackager: segmenter decisions applied to the muxer, the store and the playlist.
#include "server/hls/hls_packager.hpp"

#include <algorithm>
#include <cmath>

#include "codec/hls/playlist_writer.hpp"
#include "server/clock.hpp"
#include "server/hls/memory_file_segment.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

int64_t part_target_ms(const HlsOptions& options) {
  if (options.format != hls::SegmentFormat::fmp4 || options.part_s <= 0) return 0;
  return std::llround(options.part_s * 1000.0);
}

hls::SegmentStoreOptions store_options(const HlsOptions& options) {
  hls::SegmentStoreOptions store;
  store.max_segments = options.window + 2;
  // Until the first segment closes and keep_listed_parts() sizes it from the playlist: the parts
  // of the three target durations listed (RFC 8216bis 4.4.4.9) and about a segment more.
  if (const int64_t part_ms = part_target_ms(options); part_ms > 0) {
    store.max_parts = static_cast<size_t>(std::ceil(options.segment_s * 4000.0 / static_cast<double>(part_ms))) + 4;
  }
  return store;
}

}  // namespace

HlsPackager::HlsPackager(std::string stream_name, std::string broadcast_tag, HlsOptions options)
    : name_(std::move(stream_name)),
      tag_(std::move(broadcast_tag)),
      options_(options),
      playlist_(hls::PlaylistOptions{options.format, options.window, options.segment_s, part_target_ms(options)}),
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
    start_segment(packet, wall_ms, discontinuity_pending_);
    discontinuity_pending_ = false;
  } else if (parts_ && segment_open_ && parts_->cuts_before(packet)) {
    close_part(&packet, packet.dts_ms);
    parts_->on_part_start(packet);
    part_start_dts_ms_ = packet.dts_ms;
    part_independent_ = packet.track == media::TrackKind::video ? packet.keyframe : !video_;
  }
  if (auto written = muxer_->write(packet); !written) {
    logger("hls")->warn("{}: {}", name_, written.error().message);
    ++dropped_packets_;
  } else {
    ++segment_packets_;
  }
  if (parts_) parts_->on_packet(packet);
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
  if (segments_produced_ > 0) write_playlist();
  notify_waiters(/*last=*/true);  // whoever still waits learns of the end now
}

std::shared_ptr<const std::string> HlsPackager::delta_playlist() const {
  if (!playlist_text_ || !playlist_.low_latency()) return playlist_text_;
  if (!delta_text_) {
    delta_text_ = std::make_shared<const std::string>(hls::write_media_playlist(playlist_, {.delta = true}));
  }
  return delta_text_;
}

bool HlsPackager::open_muxer() {
  if (muxer_failed_ || (!video_ && !audio_)) return false;
  auto muxer = hls::SegmentMuxer::create(options_.format, video_, audio_);
  if (!muxer) {
    // Logged once per configuration, for the first few: the stream stays up for other consumers.
    if (const auto verdict = muxer_log_budget_.spend(); verdict == LogBudget::Verdict::write) {
      logger("hls")->warn("{}: no HLS for this configuration: {}", name_, muxer.error().message);
    } else if (verdict == LogBudget::Verdict::last_word) {
      logger("hls")->warn("{}: no HLS for further configurations either; not logged any more", name_);
    }
    muxer_failed_ = true;
    return false;
  }
  muxer_ = std::move(*muxer);
  segmenter_.emplace(hls::SegmenterOptions{options_.segment_s, video_.has_value()});
  if (playlist_.low_latency()) parts_.emplace(playlist_.part_target_ms(), video_.has_value());
  init_stored_ = false;
  return true;
}

std::optional<std::vector<uint8_t>> HlsPackager::finish_fragment(const media::MediaPacket* next, std::string_view what) {
  auto bytes = next ? muxer_->finish_segment(*next) : muxer_->finish_segment();
  if (!bytes) {
    logger("hls")->warn("{}: {} dropped: {}", name_, what, bytes.error().message);
    dropped_packets_ += segment_packets_;
    return std::nullopt;
  }
  if (bytes->empty()) return std::nullopt;
  return std::move(*bytes);
}

// Lists the closed segment the moment its successor's keyframe arrives: no timer in the path.
void HlsPackager::close_segment(const hls::ClosedSegment& closed, const media::MediaPacket* next) {
  if (!segment_open_) return;
  segment_open_ = false;
  if (playlist_.low_latency()) {
    close_low_latency_segment(closed, next);
    return;
  }
  auto bytes = finish_fragment(next, "segment");
  if (!bytes) return;
  hls::SharedSegmentBytes new_init;
  const std::string init = store_init(&new_init);
  const auto content_type = std::string(hls::segment_content_type(options_.format));
  // In a file: served with sendfile(), no copy per request.
  auto segment_bytes = memory_file_segment(*bytes, segment_uri_, options_.segment_file_directory);
  store_.put_segment(segment_uri_, segment_bytes, content_type, init);
  hls::SegmentEntry entry;
  entry.uri = segment_uri_;
  entry.duration_ms = closed.duration_ms;
  entry.program_date_time_ms = segment_wall_ms_;
  entry.discontinuity = segment_discontinuity_;
  entry.init_uri = init;
  playlist_.append(std::move(entry));
  ++segments_produced_;
  publish_playlist();
  if (listener_) listener_(ListedSegment{playlist_.segments().back(), std::move(segment_bytes), std::move(new_init)});
}

// The last part ends where the segment does; the segment is the concatenation of its parts.
void HlsPackager::close_low_latency_segment(const hls::ClosedSegment& closed, const media::MediaPacket* next) {
  int64_t end_ms = closed.start_dts_ms + closed.duration_ms;
  // At the end of a run there is no next frame, and the segment's end is an estimate that the
  // audio's last frame can carry past the part target; PART-TARGET must hold for every part.
  if (next == nullptr) end_ms = std::min(end_ms, part_start_dts_ms_ + playlist_.part_target_ms());
  close_part(next, end_ms);
  if (!assembler_ || assembler_->size() == 0 || !playlist_.open() || playlist_.open()->parts.empty()) {
    assembler_.reset();
    return;
  }
  auto segment_bytes = assembler_->whole();
  last_segment_bytes_ = assembler_->size();
  assembler_.reset();
  const std::string init = playlist_.open()->init_uri;
  store_.put_segment(segment_uri_, segment_bytes, std::string(hls::segment_content_type(options_.format)), init);
  playlist_.close_segment(closed.duration_ms);
  keep_listed_parts();
  ++segments_produced_;
  publish_playlist();
  if (listener_) {
    listener_(ListedSegment{playlist_.segments().back(), std::move(segment_bytes), std::move(pending_init_)});
  }
  pending_init_.reset();
}

void HlsPackager::close_part(const media::MediaPacket* next, int64_t end_dts_ms) {
  auto bytes = finish_fragment(next, "part");
  if (!bytes) return;
  hls::SharedSegmentBytes new_init;
  store_init(&new_init);
  if (new_init) pending_init_ = std::move(new_init);
  if (!assembler_) assembler_.emplace(segment_uri_, last_segment_bytes_ * 2, options_.segment_file_directory);
  auto part_bytes = assembler_->append(*bytes);
  const std::string uri = tag_ + "-" + hls::part_uri(playlist_.parts_listed());
  store_.put_part(uri, std::move(part_bytes), std::string(hls::segment_content_type(options_.format)));
  playlist_.append_part(hls::PartEntry{uri, end_dts_ms - part_start_dts_ms_, part_independent_});
  playlist_.set_preload_hint(tag_ + "-" + hls::part_uri(playlist_.parts_listed()));
  publish_playlist();
}

void HlsPackager::keep_listed_parts() {
  // The parts the playlist lists, those of the segment before them (a player that loaded the
  // previous playlist may still be fetching them), and room for the next segment's as it grows
  // (twice the last one's: a longer GOP may come).
  const auto& segments = playlist_.segments();
  if (segments.empty()) return;
  size_t first = hls::first_segment_with_parts(playlist_);
  if (first > 0) --first;
  size_t parts = 0;
  for (size_t i = first; i < segments.size(); ++i) parts += segments[i].parts.size();
  store_.set_max_parts(parts + 2 * segments.back().parts.size() + 4);
}

std::string HlsPackager::store_init(hls::SharedSegmentBytes* new_init) {
  if (options_.format != hls::SegmentFormat::fmp4) return {};
  std::string init = tag_ + "-" + hls::init_uri(init_generation_);
  if (!init_stored_ && !muxer_->init_segment().empty()) {
    *new_init = hls::in_memory_segment(muxer_->init_segment());
    store_.put_init(init, *new_init, "video/mp4");
    init_stored_ = true;
  }
  return init;
}

void HlsPackager::start_segment(const media::MediaPacket& packet, int64_t wall_ms, bool discontinuity) {
  segment_open_ = true;
  segment_packets_ = 0;
  segment_uri_ = tag_ + "-" + hls::segment_uri(options_.format, playlist_.next_sequence());
  segment_wall_ms_ = wall_ms;
  segment_discontinuity_ = discontinuity;
  if (!parts_) return;
  parts_->on_segment_start(packet);
  part_start_dts_ms_ = packet.dts_ms;
  part_independent_ = true;  // a segment starts with a keyframe (or any audio frame)
  hls::SegmentEntry entry;
  entry.uri = segment_uri_;
  entry.program_date_time_ms = wall_ms;
  entry.discontinuity = discontinuity;
  entry.init_uri = tag_ + "-" + hls::init_uri(init_generation_);
  playlist_.open_segment(std::move(entry));
}

void HlsPackager::drop_muxer() {
  if (auto closed = segmenter_->finish()) close_segment(*closed, nullptr);
  muxer_.reset();
  segmenter_.reset();
  parts_.reset();
  assembler_.reset();
  segment_open_ = false;
  ++init_generation_;
}

void HlsPackager::publish_playlist() {
  write_playlist();
  notify_waiters(/*last=*/false);
}

void HlsPackager::write_playlist() {
  playlist_text_ = std::make_shared<const std::string>(hls::write_media_playlist(playlist_));
  delta_text_.reset();
}

void HlsPackager::notify_waiters(bool last) {
  if (waiters_.empty()) return;
  // A waiter may add waiters (to another packager's list, or this one's on a later update):
  // run the current ones off a moved-out list.
  auto waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& waiter : waiters) {
    if (!waiter() && !last) waiters_.push_back(std::move(waiter));
  }
}

}  // namespace liverelay
