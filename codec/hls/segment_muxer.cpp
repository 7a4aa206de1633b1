// SegmentMuxer: MediaPackets into MPEG-TS or fragmented MP4 segments through libavformat.
#include "codec/hls/segment_muxer.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "codec/av_milliseconds.hpp"
#include "codec/avc/annexb.hpp"
#include "codec/hls/stream_parameters.hpp"

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
}

namespace liverelay::hls {
namespace {

constexpr AVRational kVideoTimeBase{1, 90000};
// Before the first inter-packet gap is known: one frame at 30 fps in 90 kHz ticks.
constexpr int64_t kDefaultVideoDuration = 3000;
// delay_moov: the moov waits for the first fragment, so every track's first dts is known and
// written as an edit list; empty_moov alone squashes each track's start to 0 (A/V drift).
// skip_trailer: no trailer is ever written, and without it the muxer keeps an index entry per
// fragment for one (a tfra entry per track and part: memory growing for as long as the broadcast).
constexpr const char* kMovFlags = "+frag_custom+empty_moov+default_base_moof+delay_moov+skip_trailer";

Error av_error(int code, const std::string& what) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return Error{Errc::io, what + ": " + text};
}

}  // namespace

Result<std::unique_ptr<SegmentMuxer>> SegmentMuxer::create(SegmentFormat format,
                                                           const std::optional<media::VideoConfig>& video,
                                                           const std::optional<media::AudioConfig>& audio) {
  std::unique_ptr<SegmentMuxer> muxer(new SegmentMuxer(format));
  if (auto opened = muxer->open(video, audio); !opened)
    return tl::unexpected(
        std::move(opened.error()).context(format == SegmentFormat::ts ? "ts muxer" : "fmp4 muxer"));
  return muxer;
}

SegmentMuxer::~SegmentMuxer() {
  close_libav();
}

void SegmentMuxer::close_libav() {
  av_packet_free(&packet_);
  av_packet_free(&video_.held);
  // No trailer: an HLS segment needs none (an mp4 trailer would add an mfra box). Freeing the
  // context runs the muxer's deinit; the custom AVIO buffer is the sink's to free afterwards.
  avformat_free_context(oc_);
  oc_ = nullptr;
  sink_.reset();
}

Result<void> SegmentMuxer::open(const std::optional<media::VideoConfig>& video,
                                const std::optional<media::AudioConfig>& audio) {
  if (!video && !audio) return fail(Errc::malformed, "neither a video nor an audio configuration");
  auto sink = AvioMemorySink::create();
  if (!sink) return tl::unexpected(std::move(sink.error()));
  sink_ = std::move(*sink);
  packet_ = av_packet_alloc();
  if (packet_ == nullptr) return fail(Errc::io, "packet: out of memory");
  const char* name = format_ == SegmentFormat::ts ? "mpegts" : "mp4";
  if (int ret = avformat_alloc_output_context2(&oc_, nullptr, name, nullptr); ret < 0)
    return tl::unexpected(av_error(ret, std::string("output format ") + name));
  oc_->pb = sink_->context();
  oc_->flags |= AVFMT_FLAG_CUSTOM_IO;
  if (auto added = add_tracks(video, audio); !added) return added;
  return write_header();
}

Result<void> SegmentMuxer::add_tracks(const std::optional<media::VideoConfig>& video,
                                      const std::optional<media::AudioConfig>& audio) {
  if (video) {
    AVStream* st = avformat_new_stream(oc_, nullptr);
    if (st == nullptr) return fail(Errc::io, "video stream: out of memory");
    if (auto set = set_video_parameters(*st->codecpar, *video); !set) return set;
    st->time_base = kVideoTimeBase;
    video_.index = st->index;
    video_.codec = video->codec;
    if (format_ == SegmentFormat::ts && video->codec == media::Codec::h264) {
      // Annex B written here rather than by libavformat's h264_mp4toannexb, so that the
      // parameter sets precede a keyframe's SEI (see avcc_to_annexb).
      auto record = avc::parse_decoder_config(video->decoder_config);
      if (!record) return tl::unexpected(std::move(record.error()).context("video"));
      annexb_config_ = std::move(*record);
    }
    if (format_ == SegmentFormat::ts) {
      video_.held = av_packet_alloc();
      if (video_.held == nullptr) return fail(Errc::io, "packet: out of memory");
    }
  }
  if (audio) {
    AVStream* st = avformat_new_stream(oc_, nullptr);
    if (st == nullptr) return fail(Errc::io, "audio stream: out of memory");
    if (auto set = set_audio_parameters(*st->codecpar, *audio); !set) return set;
    // One tick per sample in MP4 (its audio timescale); TS uses 90 kHz whatever we ask.
    st->time_base = AVRational{1, audio->sample_rate};
    audio_.index = st->index;
    audio_.codec = audio->codec;
  }
  return {};
}

Result<void> SegmentMuxer::write_header() {
  AVDictionary* options = nullptr;
  if (format_ == SegmentFormat::fmp4) {
    av_dict_set(&options, "movflags", kMovFlags, 0);
    // Edit lists count in the movie timescale: at the default 1000 a 44 ms audio start is
    // rounded down to 43 ms; 90 kHz keeps every track's start to the sample.
    av_dict_set(&options, "movie_timescale", "90000", 0);
  } else {
    // Explicit, well under ISO 13818-1's 100 ms bound; the default derives it from an audio
    // frame size that raw AAC parameters do not give, and logs a warning for audio-only streams.
    av_dict_set(&options, "pcr_period", "40", 0);
  }
  const int ret = avformat_write_header(oc_, &options);
  av_dict_free(&options);
  if (ret < 0) return tl::unexpected(av_error(ret, "header"));
  // Only now are the time bases final (the muxer chooses them).
  if (video_.index >= 0) video_.time_base = oc_->streams[video_.index]->time_base;
  if (audio_.index >= 0) {
    const AVStream* st = oc_->streams[audio_.index];
    audio_.time_base = st->time_base;
    audio_.clock.emplace(st->codecpar->sample_rate, st->codecpar->frame_size, st->time_base.num,
                         st->time_base.den);
  }
  if (format_ == SegmentFormat::fmp4) {
    // libavformat numbers the tracks from 1 in stream order, video first.
    if (video_.index >= 0) video_.fragment_track = fragments_.add_track(video_.index + 1, true);
    if (audio_.index >= 0) audio_.fragment_track = fragments_.add_track(audio_.index + 1, false);
  }
  // The TS header is empty and the fMP4 moov is delayed: nothing is output before packets.
  sink_->take();
  return {};
}

Result<void> SegmentMuxer::write(const media::MediaPacket& packet) {
  const bool is_video = packet.track == media::TrackKind::video;
  Track& track = is_video ? video_ : audio_;
  if (track.index < 0) return {};
  if (packet.codec != track.codec)
    return fail(Errc::unsupported, std::string("packet codec ") + media::codec_name(packet.codec) + " in a " +
                                       media::codec_name(track.codec) + " track");
  const std::span<const uint8_t> payload = packet.payload();
  if (payload.empty()) return {};
  if (format_ == SegmentFormat::ts) return write_ts(track, packet, payload);
  const Stamp stamped = stamp(track, packet);
  // Every audio frame is a sync sample; an MP4 would otherwise mark them non-sync.
  fragments_.add(track.fragment_track,
                 Fmp4Sample{.dts = stamped.dts,
                            .duration = stamped.duration,
                            .composition_offset = stamped.pts - stamped.dts,
                            .sync = packet.keyframe || !is_video},
                 payload);
  segment_open_ = true;
  return {};
}

Result<void> SegmentMuxer::write_ts(Track& track, const media::MediaPacket& packet,
                                    std::span<const uint8_t> payload) {
  const bool is_video = &track == &video_;
  std::vector<uint8_t> annexb;
  if (is_video && annexb_config_) {
    auto converted = avc::avcc_to_annexb(payload, *annexb_config_, packet.keyframe);
    if (!converted) return tl::unexpected(converted.error());
    annexb = std::move(*converted);
    payload = annexb;
  }
  if (auto loaded = load_packet(track, payload, packet.keyframe || !is_video, stamp(track, packet)); !loaded)
    return loaded;
  segment_open_ = true;
  if (track.held == nullptr) return write_out(packet_);
  Result<void> written;
  if (track.held->size > 0) {
    track.held->duration = packet_->dts - track.held->dts;
    written = write_out(track.held);
  }
  av_packet_move_ref(track.held, packet_);
  return written;
}

SegmentMuxer::Stamp SegmentMuxer::stamp(Track& track, const media::MediaPacket& packet) {
  int64_t dts = av_rescale_q(packet.dts_ms, kMilliseconds, track.time_base);
  const int64_t cts =
      av_rescale_q(std::max<int64_t>(packet.pts_ms - packet.dts_ms, 0), kMilliseconds, track.time_base);
  int64_t duration = 0;
  if (track.clock) {
    const auto counted = track.clock->next(dts);
    dts = counted.dts;
    duration = counted.duration;
  }
  int64_t pts = dts + cts;
  if (track.started) {
    // The muxers refuse a dts that does not advance; and after a cut an MP4 fragment starts
    // where the last one's durations ended, so the track resumes there.
    dts = std::max(dts, track.after_cut ? track.end : track.last_dts + 1);
    pts = std::max(pts, dts);
  }
  if (!track.clock) {
    // The gap before this frame is the best guess of the gap after it, until the next comes.
    duration = track.started ? dts - track.last_dts
                             : av_rescale_q(kDefaultVideoDuration, kVideoTimeBase, track.time_base);
  }
  track.last_dts = dts;
  track.end = dts + duration;
  track.started = true;
  track.after_cut = false;
  return Stamp{.dts = dts, .pts = pts, .duration = duration};
}

Result<void> SegmentMuxer::load_packet(const Track& track, std::span<const uint8_t> bytes, bool key,
                                       const Stamp& stamped) {
  if (int ret = av_new_packet(packet_, static_cast<int>(bytes.size())); ret < 0)
    return tl::unexpected(av_error(ret, "packet"));
  std::memcpy(packet_->data, bytes.data(), bytes.size());
  packet_->stream_index = track.index;
  if (key) packet_->flags |= AV_PKT_FLAG_KEY;
  packet_->dts = stamped.dts;
  packet_->pts = stamped.pts;
  packet_->duration = stamped.duration;
  return {};
}

Result<void> SegmentMuxer::write_out(AVPacket* packet) {
  // av_write_frame (not the interleaved variant) so that nothing is held back past a cut;
  // it leaves our reference in place, hence the unref.
  const bool is_video = packet->stream_index == video_.index;
  const int ret = av_write_frame(oc_, packet);
  av_packet_unref(packet);
  if (ret < 0) return tl::unexpected(av_error(ret, std::string(is_video ? "video" : "audio") + " packet"));
  return {};
}

std::optional<int64_t> SegmentMuxer::exact_duration(const Track& track, int64_t dts,
                                                    const media::MediaPacket* next) {
  if (next == nullptr || next->track != media::TrackKind::video || next->codec != track.codec)
    return std::nullopt;
  const int64_t duration = av_rescale_q(next->dts_ms, kMilliseconds, track.time_base) - dts;
  if (duration <= 0) return std::nullopt;
  return duration;
}

Result<void> SegmentMuxer::write_held(Track& track, const media::MediaPacket* next) {
  if (track.held == nullptr || track.held->size == 0) return {};
  if (const auto duration = exact_duration(track, track.held->dts, next)) track.held->duration = *duration;
  track.end = track.held->dts + track.held->duration;
  return write_out(track.held);
}

Result<std::vector<uint8_t>> SegmentMuxer::finish_segment(const media::MediaPacket& next) {
  if (!segment_open_) return std::vector<uint8_t>{};
  return format_ == SegmentFormat::ts ? cut_ts(&next) : cut_fragment(&next);
}

Result<std::vector<uint8_t>> SegmentMuxer::finish_segment() {
  if (!segment_open_) return std::vector<uint8_t>{};
  return format_ == SegmentFormat::ts ? cut_ts(nullptr) : cut_fragment(nullptr);
}

Result<std::vector<uint8_t>> SegmentMuxer::cut_ts(const media::MediaPacket* next) {
  if (auto held = write_held(video_, next); !held) return tl::unexpected(std::move(held.error()));
  video_.after_cut = audio_.after_cut = true;
  if (auto flushed = flush(); !flushed) return tl::unexpected(std::move(flushed.error()));
  segment_open_ = false;
  // A one-shot flag the muxer clears after use: PAT/PMT go out again before the next packet,
  // so every segment starts with them and plays on its own.
  av_opt_set(oc_->priv_data, "mpegts_flags", "+resend_headers", 0);
  return sink_->take();
}

Result<std::vector<uint8_t>> SegmentMuxer::cut_fragment(const media::MediaPacket* next) {
  // The fragment's last video frame ran on a guess until now: the next frame gives its
  // duration (the next fragment's decode time is the sum of the durations before it).
  if (video_.index >= 0 && !fragments_.samples(video_.fragment_track).empty()) {
    if (const auto duration = exact_duration(video_, video_.last_dts, next)) {
      fragments_.set_last_duration(video_.fragment_track, *duration);
      video_.end = video_.last_dts + *duration;
    }
  }
  video_.after_cut = audio_.after_cut = true;
  if (init_.empty())
    if (auto made = make_init_segment(); !made) return tl::unexpected(std::move(made.error()));
  segment_open_ = false;
  return fragments_.finish();
}

Result<void> SegmentMuxer::make_init_segment() {
  // With delay_moov libavformat writes the moov once it has seen the first fragment, so each
  // track's first timestamps go into its edit list: it is given the first fragment's samples,
  // flushed once for ftyp+moov, and closed (its own fragment is never asked for).
  for (const Track* track : {&video_, &audio_}) {
    if (track->index < 0) continue;
    const auto samples = fragments_.samples(track->fragment_track);
    const auto sizes = fragments_.sample_sizes(track->fragment_track);
    const uint8_t* bytes = fragments_.sample_bytes(track->fragment_track).data();
    for (size_t i = 0; i < samples.size(); ++i) {
      const Fmp4Sample& sample = samples[i];
      const Stamp stamped{
          .dts = sample.dts, .pts = sample.dts + sample.composition_offset, .duration = sample.duration};
      if (auto loaded = load_packet(*track, {bytes, sizes[i]}, sample.sync, stamped); !loaded) return loaded;
      bytes += sizes[i];
      if (auto written = write_out(packet_); !written) return written;
    }
  }
  if (auto flushed = flush(); !flushed) return flushed;
  init_ = sink_->take();
  close_libav();
  return {};
}

Result<void> SegmentMuxer::flush() {
  // For mpegts this writes out the PES packets still being gathered (audio); for mp4 with
  // frag_custom it closes the current fragment.
  if (int ret = av_write_frame(oc_, nullptr); ret < 0) return tl::unexpected(av_error(ret, "flush"));
  return {};
}

}  // namespace liverelay::hls
