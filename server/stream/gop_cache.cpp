// GopCache: the last GOP and the current configuration of a live stream, for joiners.
#include "server/stream/gop_cache.hpp"

namespace liverelay {
namespace {

size_t size_of(const MediaTag& tag) {
  return tag.payload ? tag.payload->size() : 0;
}

bool same_bytes(const std::optional<MediaTag>& kept, const MediaTag& tag) {
  return kept && kept->payload && tag.payload && *kept->payload == *tag.payload;
}

}  // namespace

void GopCache::on_tag(const MediaTag& tag) {
  if (tag.config) {
    on_config(tag);
    return;
  }
  if (tag.kind == TagKind::video) {
    has_video_ = true;
    if (tag.keyframe) {
      drop_tags();
      have_keyframe_ = true;
    }
    if (have_keyframe_) push(tag);
    return;
  }
  if (has_video_) {
    if (have_keyframe_) push(tag);  // audio before the first keyframe has no picture to go with
    return;
  }
  push(tag);
  trim_audio_window();
}

void GopCache::on_config(const MediaTag& tag) {
  if (tag.kind == TagKind::metadata) {
    metadata_ = tag;
  } else if (tag.kind == TagKind::audio) {
    audio_config_ = tag;
  } else {
    has_video_ = true;
    // Frames since the last keyframe were coded with the old configuration: a joiner given the
    // new one with them could not decode them. Encoders that repeat an unchanged sequence
    // header before each keyframe (OBS, Larix) keep their GOP.
    if (!same_bytes(video_config_, tag)) {
      drop_tags();
      have_keyframe_ = false;
    }
    video_config_ = tag;
  }
}

void GopCache::push(const MediaTag& tag) {
  tags_.push_back(tag);
  bytes_ += size_of(tag);
  if (bytes_ <= limits_.max_bytes) return;
  if (has_video_) {
    // Half a GOP is worthless (its frames need their keyframe): nothing until the next one.
    drop_tags();
    have_keyframe_ = false;
    return;
  }
  while (bytes_ > limits_.max_bytes && !tags_.empty()) {
    bytes_ -= size_of(tags_.front());
    tags_.pop_front();
  }
}

void GopCache::trim_audio_window() {
  // Unsigned differences: right across the 32-bit timestamp wrap.
  while (tags_.size() > 1 &&
         tags_.back().timestamp - tags_.front().timestamp > limits_.audio_only_window_ms) {
    bytes_ -= size_of(tags_.front());
    tags_.pop_front();
  }
}

void GopCache::drop_tags() {
  tags_.clear();
  bytes_ = 0;
}

void GopCache::clear() {
  metadata_.reset();
  video_config_.reset();
  audio_config_.reset();
  drop_tags();
  has_video_ = false;
  have_keyframe_ = false;
}

std::vector<MediaTag> GopCache::snapshot() const {
  std::vector<MediaTag> out;
  out.reserve(tags_.size() + 3);
  for (const auto* kept : {&metadata_, &video_config_, &audio_config_}) {
    if (!*kept) continue;
    out.push_back(**kept);
    if (!tags_.empty()) out.back().timestamp = tags_.front().timestamp;
  }
  out.insert(out.end(), tags_.begin(), tags_.end());
  return out;
}

}  // namespace liverelay
