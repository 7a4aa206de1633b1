// One stream's media to all its sinks (RTMP players, push relays): each tag shared by pointer,
// a GOP cache so that a sink joining mid-stream starts at a keyframe with the current
// configuration, and the playback figures the stats API shows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "server/stream/gop_cache.hpp"
#include "server/stream/media_sink.hpp"

namespace liverelay {

// RTMP playback of one stream, over the stream's life (kept across broadcasts).
struct PlaybackStats {
  size_t players = 0;             // RTMP players now
  uint64_t dropped_frames = 0;    // audio and video frames skipped for players that fell behind
  uint64_t slow_disconnects = 0;  // players dropped for staying behind
};

class MediaFanout {
 public:
  explicit MediaFanout(GopCacheLimits limits = {}) : cache_(limits) {}
  MediaFanout(const MediaFanout&) = delete;
  MediaFanout& operator=(const MediaFanout&) = delete;

  // Adds `sink` (not owned; it removes itself before it goes) and hands it the cache's
  // snapshot at once: metadata, sequence headers, the GOP. Live tags follow.
  void add(MediaSink& sink);
  // Safe from inside a sink's callback (a player dropped while a tag is handed out).
  void remove(MediaSink& sink);

  // The publisher's tags as they arrive. Metadata is the encoded AMF0 "onMetaData" + object;
  // it takes the timestamp of the last audio or video tag.
  void on_tag(TagKind kind, uint32_t timestamp, media::SharedBuffer payload);
  void on_stream_begin();
  void on_stream_end();

  [[nodiscard]] const GopCache& cache() const { return cache_; }
  [[nodiscard]] size_t sink_count() const;
  [[nodiscard]] PlaybackStats& playback() { return playback_; }
  [[nodiscard]] const PlaybackStats& playback() const { return playback_; }

 private:
  template <class Call>
  void each_sink(Call call);

  GopCache cache_;
  std::vector<MediaSink*> sinks_;  // nullptr: removed while handing out; compacted after
  int dispatching_ = 0;
  uint32_t last_timestamp_ = 0;
  PlaybackStats playback_;
};

}  // namespace liverelay
