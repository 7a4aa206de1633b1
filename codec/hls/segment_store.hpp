// The finished segments of one HLS stream, in memory, as HTTP serves them: bounded by a count
// and a byte cap, oldest evicted first; init segments live as long as a segment needs them.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/hls/segment_bytes.hpp"

namespace liverelay::hls {

struct StoredSegment {
  SharedSegmentBytes bytes;  // shared with every request that is still sending it
  std::string content_type;
};

struct SegmentStoreOptions {
  // The playlist window plus two: a segment that just left the playlist stays fetchable for a
  // while, since a player may have fetched the playlist before and the segment after
  // (RFC 8216 6.2.2).
  size_t max_segments = 8;
  // Over this, the oldest media segments go even if still listed (but never the newest): a
  // runaway bitrate must not take the server's memory.
  size_t max_bytes = size_t{64} * 1024 * 1024;
  // Low-latency HLS: the newest parts kept (they share their bytes with their segments, so
  // they are not counted in max_bytes).
  size_t max_parts = 0;
};

class SegmentStore {
 public:
  explicit SegmentStore(SegmentStoreOptions options = {});

  // An fMP4 init segment. The newest is kept; older ones while a stored segment needs them.
  void put_init(std::string uri, SharedSegmentBytes bytes, std::string content_type);

  // A finished media segment, newest last; `init_uri` names the init it needs ("" for TS).
  // Storing a URI again replaces the old bytes and counts as the newest.
  void put_segment(std::string uri, SharedSegmentBytes bytes, std::string content_type,
                   std::string init_uri = {});

  // A low-latency part, newest last; the oldest goes beyond max_parts.
  void put_part(std::string uri, SharedSegmentBytes bytes, std::string content_type);
  // How many parts to keep: the playlist lists the parts of its last target durations, which
  // grow with the longest GOP, so the packager sets it as the playlist changes.
  void set_max_parts(size_t max_parts);

  // A media segment, part or init segment by its URI relative to the playlist.
  [[nodiscard]] std::optional<StoredSegment> find(std::string_view uri) const;

  [[nodiscard]] size_t segment_count() const { return segments_.size(); }
  [[nodiscard]] size_t init_count() const { return inits_.size(); }
  [[nodiscard]] size_t part_count() const { return parts_.size(); }
  [[nodiscard]] size_t total_bytes() const { return total_bytes_; }  // media and init

 private:
  struct Item {
    std::string uri;
    StoredSegment segment;
    std::string init_uri;  // media segments only
  };

  void evict();
  void drop_unused_inits();
  void erase(std::deque<Item>& items, std::deque<Item>::iterator it);

  SegmentStoreOptions options_;
  // A live stream holds about ten items, so a linear search beats hashing and keeps the
  // arrival order that eviction needs.
  std::deque<Item> segments_;  // oldest first
  std::deque<Item> inits_;     // oldest first; the newest is the current one
  std::deque<Item> parts_;     // oldest first
  size_t total_bytes_ = 0;
};

}  // namespace liverelay::hls
