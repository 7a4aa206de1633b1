// What a consumer joining a live stream needs to show a picture at once: the metadata, the
// current sequence headers, and every tag since the last video keyframe (the GOP), bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "server/stream/media_tag.hpp"

namespace liverelay {

struct GopCacheLimits {
  // Tags since the last keyframe past this size are forgotten until the next keyframe (a GOP of
  // 10 s at 12 Mb/s): joiners then wait for it rather than the server holding without bound.
  size_t max_bytes = 16 * 1024 * 1024;
  // A stream without video keeps this much of its latest audio (every frame decodes alone).
  uint32_t audio_only_window_ms = 1000;
};

class GopCache {
 public:
  explicit GopCache(GopCacheLimits limits = {}) : limits_(limits) {}

  // `tag` as classify_tag made it, in arrival order.
  void on_tag(const MediaTag& tag);
  // A new publisher: nothing of the previous one's configuration or frames applies.
  void clear();

  // What a consumer joining now is sent, in order: the metadata, the video and audio sequence
  // headers, then the cached tags. The configuration tags carry the first cached tag's
  // timestamp, so that the joiner's timeline never goes back. Pointers are copied, not bytes.
  [[nodiscard]] std::vector<MediaTag> snapshot() const;

  // Whether the stream has video (a video tag arrived since the last clear): if so, a consumer
  // that skipped frames resumes at a keyframe; if not, at any audio frame.
  [[nodiscard]] bool has_video() const { return has_video_; }
  // Payload bytes of the cached tags (configuration excluded).
  [[nodiscard]] size_t bytes() const { return bytes_; }
  [[nodiscard]] size_t tag_count() const { return tags_.size(); }

 private:
  void on_config(const MediaTag& tag);
  void push(const MediaTag& tag);
  void trim_audio_window();
  void drop_tags();

  GopCacheLimits limits_;
  std::optional<MediaTag> metadata_;
  std::optional<MediaTag> video_config_;
  std::optional<MediaTag> audio_config_;
  std::deque<MediaTag> tags_;  // from the last keyframe (video) or the audio window
  size_t bytes_ = 0;
  bool has_video_ = false;
  bool have_keyframe_ = false;  // tags_ starts at a keyframe; cleared when over the bound
};

}  // namespace liverelay
