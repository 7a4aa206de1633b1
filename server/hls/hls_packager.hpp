// One stream's live HLS: cuts its packets into segments, muxes them in memory, keeps the
// playlist and the segments that HTTP serves. Fed by the Stream; time is passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "codec/hls/playlist.hpp"
#include "codec/hls/segment_muxer.hpp"
#include "codec/hls/segment_store.hpp"
#include "codec/hls/segmenter.hpp"
#include "codec/media_packet.hpp"
#include "server/stream/latency_samples.hpp"

namespace liverelay {

struct HlsOptions {
  hls::SegmentFormat format = hls::SegmentFormat::ts;
  double segment_s = 2.0;
  size_t window = 6;
};

// A segment the moment the live playlist lists it, for those that keep it (the recorder).
struct ListedSegment {
  const hls::SegmentEntry& entry;  // as listed: URI, duration, wall-clock time, discontinuity, map
  hls::SharedSegmentBytes bytes;
  hls::SharedSegmentBytes init;  // fMP4: the init segment `entry.init_uri` names, the first time only
};

class HlsPackager {
 public:
  using SegmentListener = std::function<void(const ListedSegment&)>;

  // `broadcast_tag` prefixes every URI so that a later broadcast never reuses one: segments can
  // then be cached as immutable by players and CDNs.
  HlsPackager(std::string stream_name, std::string broadcast_tag, HlsOptions options);

  // The publisher's sequence headers changed (or arrived): the next segment starts a new
  // muxer, behind EXT-X-DISCONTINUITY when segments came before.
  void on_config(const std::optional<media::VideoConfig>& video, const std::optional<media::AudioConfig>& audio);
  // `wall_ms`: ms since the epoch when the packet arrived (EXT-X-PROGRAM-DATE-TIME);
  // `arrival_us`: steady-clock µs when its bytes were read (for the listing delay).
  void on_packet(const media::MediaPacket& packet, int64_t wall_ms, int64_t arrival_us);
  // The publisher left: the open segment is listed now, and whatever comes next (a reconnect
  // within the grace period) follows a discontinuity.
  void on_publisher_gone();
  // The broadcast is over: EXT-X-ENDLIST.
  void end();
  // Called with every segment listed from now on, inside the call that lists it.
  void set_segment_listener(SegmentListener listener) { listener_ = std::move(listener); }

  // The current playlist text; nullptr until the first segment is listed.
  [[nodiscard]] std::shared_ptr<const std::string> playlist() const { return playlist_text_; }
  [[nodiscard]] std::optional<hls::StoredSegment> find(std::string_view uri) const { return store_.find(uri); }
  [[nodiscard]] bool ended() const { return playlist_.ended(); }
  [[nodiscard]] uint64_t segments_produced() const { return segments_produced_; }
  // Packets the muxer refused, and those of segments it could not finish.
  [[nodiscard]] uint64_t dropped_packets() const { return dropped_packets_; }
  // From the read of the keyframe that closes a segment to the playlist that lists it.
  [[nodiscard]] const LatencySamples& listing_delay_us() const { return listing_delay_us_; }

 private:
  bool open_muxer();
  // `next`: the packet that starts the following segment (gives the last frame its exact
  // duration); nullptr at the end of a run.
  void close_segment(const hls::ClosedSegment& closed, const media::MediaPacket* next);
  void start_segment(int64_t wall_ms, bool discontinuity);
  void drop_muxer();

  std::string name_;
  std::string tag_;
  HlsOptions options_;
  std::optional<media::VideoConfig> video_;
  std::optional<media::AudioConfig> audio_;
  std::unique_ptr<hls::SegmentMuxer> muxer_;
  std::optional<hls::Segmenter> segmenter_;
  hls::MediaPlaylist playlist_;
  hls::SegmentStore store_;
  std::shared_ptr<const std::string> playlist_text_;
  uint64_t init_generation_ = 0;
  bool init_stored_ = false;
  bool discontinuity_pending_ = false;
  bool muxer_failed_ = false;
  // The segment being written.
  bool segment_open_ = false;
  std::string segment_uri_;
  int64_t segment_wall_ms_ = 0;
  bool segment_discontinuity_ = false;
  uint64_t segments_produced_ = 0;
  uint64_t segment_packets_ = 0;  // written into the open segment
  uint64_t dropped_packets_ = 0;
  LatencySamples listing_delay_us_;
  SegmentListener listener_;
};

}  // namespace liverelay
