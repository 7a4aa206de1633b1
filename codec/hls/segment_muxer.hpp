// libavformat wrapper that turns one broadcast's MediaPackets into HLS segments in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "codec/avc/decoder_config.hpp"
#include "codec/hls/audio_timeline.hpp"
#include "codec/hls/avio_memory_sink.hpp"
#include "codec/hls/fmp4_fragment_writer.hpp"
#include "codec/hls/segment_format.hpp"
#include "codec/media_packet.hpp"
#include "protocol/core/error.hpp"

extern "C" {
#include <libavutil/rational.h>
struct AVFormatContext;
struct AVPacket;
}

namespace liverelay::hls {

// One muxer context lives for the whole broadcast (TS continuity counters and MP4 sequence
// numbers and decode times run on across segments); the caller decides where segments end.
//
//   auto muxer = SegmentMuxer::create(SegmentFormat::fmp4, video_config, audio_config);
//   for each packet: if it starts a new segment (a keyframe, when there is video), take
//   (*muxer)->finish_segment(packet) first; then (*muxer)->write(packet). At the end of the
//   broadcast, (*muxer)->finish_segment() gives the last one.
//
// TS: each segment starts with PAT/PMT and plays on its own; H.264/HEVC go out as Annex B
// with the parameter sets before each IDR, AAC with ADTS headers (libavformat's mpegts muxer).
// fMP4: init_segment() (ftyp+moov with avcC/hvcC and esds, libavformat's mp4 muxer) then
// moof+mdat segments (Fmp4FragmentWriter). Both keep the input's timestamps (ms to 90 kHz, or
// to the audio sample rate in MP4).
//
// Packets of a track the muxer was not created with are skipped: a stream that gains a track
// (or changes a sequence header) needs a new muxer and a discontinuity in the playlist.
class SegmentMuxer {
 public:
  // At least one config; H.264 or HEVC video, AAC or MP3 audio. A malformed record is an error.
  static Result<std::unique_ptr<SegmentMuxer>> create(SegmentFormat format,
                                                      const std::optional<media::VideoConfig>& video,
                                                      const std::optional<media::AudioConfig>& audio);
  ~SegmentMuxer();
  SegmentMuxer(const SegmentMuxer&) = delete;
  SegmentMuxer& operator=(const SegmentMuxer&) = delete;

  // Adds one access unit to the current segment. pts below dts is raised to dts, and a dts
  // that does not advance is nudged one tick past the previous one (the muxers refuse both).
  // The last video frame's duration is a guess (the gap before it) until the next frame gives it.
  Result<void> write(const media::MediaPacket& packet);

  // Ends the current segment and returns its bytes (empty when nothing was written since the
  // last cut). TS: a whole .ts, multiple of 188 bytes. fMP4: one moof+mdat for all tracks.
  // `next` is the packet about to start the next segment: its dts gives the held-back frame
  // of its track its exact duration, which fMP4 needs (the next fragment's decode time is the
  // sum of the durations before it). Without it (end of broadcast) the duration is guessed.
  Result<std::vector<uint8_t>> finish_segment(const media::MediaPacket& next);
  Result<std::vector<uint8_t>> finish_segment();

  // fMP4: ftyp+moov, known once the first segment is finished (the moov is delayed until
  // the first timestamps are known, so its edit lists keep audio and video in sync). TS: empty.
  [[nodiscard]] const std::vector<uint8_t>& init_segment() const { return init_; }

  [[nodiscard]] SegmentFormat format() const { return format_; }

 private:
  struct Track {
    int index = -1;  // stream index in the format context; -1: the muxer has no such track
    media::Codec codec = media::Codec::unknown;
    AVRational time_base{1, 1};  // final once the header is written
    bool started = false;
    int64_t last_dts = 0;  // in the stream time base
    int64_t end = 0;       // last dts + its duration: where the MP4 muxer thinks the next starts
    bool after_cut = false;
    std::optional<AudioTimeline> clock;  // audio: frames counted in samples
    AVPacket* held = nullptr;            // TS video: the last frame, waiting for its duration
    int fragment_track = -1;             // fMP4: the track in fragments_
  };
  struct Stamp {
    int64_t dts = 0;
    int64_t pts = 0;
    int64_t duration = 0;
  };

  explicit SegmentMuxer(SegmentFormat format) : format_(format) {}
  Result<void> open(const std::optional<media::VideoConfig>& video,
                    const std::optional<media::AudioConfig>& audio);
  Result<void> add_tracks(const std::optional<media::VideoConfig>& video,
                          const std::optional<media::AudioConfig>& audio);
  Result<void> write_header();
  Stamp stamp(Track& track, const media::MediaPacket& packet);
  Result<void> write_ts(Track& track, const media::MediaPacket& packet, std::span<const uint8_t> payload);
  // A frame's exact duration once `next` (the packet about to start the next segment) is the
  // following frame of its track; nullopt when it is not.
  static std::optional<int64_t> exact_duration(const Track& track, int64_t dts,
                                               const media::MediaPacket* next);
  Result<void> write_held(Track& track, const media::MediaPacket* next);
  // packet_, allocated and filled with `bytes` for `track`.
  Result<void> load_packet(const Track& track, std::span<const uint8_t> bytes, bool key,
                           const Stamp& stamped);
  Result<void> write_out(AVPacket* packet);
  Result<std::vector<uint8_t>> cut_ts(const media::MediaPacket* next);
  Result<std::vector<uint8_t>> cut_fragment(const media::MediaPacket* next);
  Result<void> make_init_segment();
  Result<void> flush();
  void close_libav();

  SegmentFormat format_;
  // libavformat muxes TS throughout; for fMP4 it only writes the init segment (from the first
  // fragment's samples) and is closed after: fragments_ writes every fragment.
  std::unique_ptr<AvioMemorySink> sink_;
  AVFormatContext* oc_ = nullptr;
  AVPacket* packet_ = nullptr;
  Fmp4FragmentWriter fragments_;
  Track video_;
  Track audio_;
  std::optional<avc::DecoderConfig> annexb_config_;  // TS + H.264: we write Annex B ourselves
  bool segment_open_ = false;  // packets were written since the last cut
  std::vector<uint8_t> init_;
};

}  // namespace liverelay::hls
