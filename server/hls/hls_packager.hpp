// One stream's live HLS: cuts its packets into segments, muxes them in memory, keeps the
// playlist and the segments that HTTP serves. Fed by the Stream; time is passed in.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/hls/blocking_reload.hpp"
#include "codec/hls/part_cutter.hpp"
#include "codec/hls/playlist.hpp"
#include "codec/hls/segment_muxer.hpp"
#include "codec/hls/segment_store.hpp"
#include "codec/hls/segmenter.hpp"
#include "codec/media_packet.hpp"
#include "server/hls/segment_assembler.hpp"
#include "server/log_budget.hpp"
#include "server/stream/latency_samples.hpp"

namespace liverelay {

struct HlsOptions {
  hls::SegmentFormat format = hls::SegmentFormat::ts;
  double segment_s = 2.0;
  size_t window = 6;
  // Low-latency HLS (fMP4 only): partial segments of about this long; 0 for standard HLS.
  double part_s = 0;
  // Where finished segments' unnamed files go (see memory_file_segment); empty: memory files.
  std::string segment_file_directory;
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
  // Called after every change of the playlist until it returns true (done waiting).
  using UpdateWaiter = std::function<bool()>;

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

  // Called after each change of the playlist (a part or segment listed, the end) until it
  // returns true: how held requests (blocking reloads, preload hints) learn of new media.
  void on_update(UpdateWaiter waiter) { waiters_.push_back(std::move(waiter)); }

  // The current playlist text; nullptr until the first segment (or part) is listed.
  [[nodiscard]] std::shared_ptr<const std::string> playlist() const { return playlist_text_; }
  // The same as a delta update (EXT-X-SKIP), for low-latency players that ask for one.
  [[nodiscard]] std::shared_ptr<const std::string> delta_playlist() const;
  // Whether the playlist as it stands answers a blocking reload.
  [[nodiscard]] hls::ReloadVerdict judge(const hls::ReloadRequest& request) const {
    return hls::judge_reload(playlist_, request);
  }
  [[nodiscard]] int64_t reload_timeout_ms() const { return hls::reload_timeout_ms(playlist_); }
  [[nodiscard]] bool low_latency() const { return playlist_.low_latency(); }
  // The URI of the part the playlist hints at (EXT-X-PRELOAD-HINT), "" when none.
  [[nodiscard]] const std::string& preload_hint() const { return playlist_.preload_hint(); }
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
  void close_low_latency_segment(const hls::ClosedSegment& closed, const media::MediaPacket* next);
  void start_segment(const media::MediaPacket& packet, int64_t wall_ms, bool discontinuity);
  // Low-latency HLS: muxes the packets since the last part into a fragment and lists it.
  // `end_dts_ms`: where the part ends (the next part's start, or the segment's end).
  void close_part(const media::MediaPacket* next, int64_t end_dts_ms);
  // The init segment, stored once it is known (after the first fragment); its URI.
  std::string store_init(hls::SharedSegmentBytes* new_init);
  void drop_muxer();
  // The playlist text after a change, then the waiters told.
  // The muxer's fragment (a segment, or a part) ending before `next`, or at the end. Nothing when
  // it is empty, or when it failed: then logged, its packets counted as dropped.
  std::optional<std::vector<uint8_t>> finish_fragment(const media::MediaPacket* next, std::string_view what);
  void publish_playlist();
  void write_playlist();
  // Runs the waiters; those not satisfied wait for the next update, unless it is the `last`.
  void notify_waiters(bool last);
  // Keeps the store's parts in step with the parts the playlist lists.
  void keep_listed_parts();

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
  mutable std::shared_ptr<const std::string> delta_text_;  // rendered on first demand per update
  std::vector<UpdateWaiter> waiters_;
  // Low-latency HLS: where parts are cut, the segment they build up, the open part.
  std::optional<hls::PartCutter> parts_;
  std::optional<SegmentAssembler> assembler_;
  size_t last_segment_bytes_ = 0;
  int64_t part_start_dts_ms_ = 0;
  bool part_independent_ = false;
  hls::SharedSegmentBytes pending_init_;  // stored with the first part, handed to the listener
  uint64_t init_generation_ = 0;
  bool init_stored_ = false;
  bool discontinuity_pending_ = false;
  bool muxer_failed_ = false;
  LogBudget muxer_log_budget_{3};  // refused configurations logged per broadcast
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
