// Bounded in-memory storage of a stream's HLS segments and the eviction that bounds it.
#include "codec/hls/segment_store.hpp"

#include <algorithm>
#include <utility>

namespace liverelay::hls {
namespace {

size_t size_of(const StoredSegment& segment) {
  return segment.bytes ? segment.bytes->size() : 0;
}

template <class Items>
auto find_uri(Items& items, std::string_view uri) {
  return std::find_if(items.begin(), items.end(), [&](const auto& item) { return item.uri == uri; });
}

}  // namespace

SegmentStore::SegmentStore(SegmentStoreOptions options) : options_(options) {
  options_.max_segments = std::max<size_t>(options_.max_segments, 1);
}

void SegmentStore::put_init(std::string uri, SharedSegmentBytes bytes, std::string content_type) {
  if (auto it = find_uri(inits_, uri); it != inits_.end()) erase(inits_, it);
  StoredSegment segment{std::move(bytes), std::move(content_type)};
  total_bytes_ += size_of(segment);
  inits_.push_back(Item{std::move(uri), std::move(segment), {}});
  drop_unused_inits();
}

void SegmentStore::put_segment(std::string uri, SharedSegmentBytes bytes, std::string content_type,
                               std::string init_uri) {
  if (auto it = find_uri(segments_, uri); it != segments_.end()) erase(segments_, it);
  StoredSegment segment{std::move(bytes), std::move(content_type)};
  total_bytes_ += size_of(segment);
  segments_.push_back(Item{std::move(uri), std::move(segment), std::move(init_uri)});
  evict();
}

void SegmentStore::put_part(std::string uri, SharedSegmentBytes bytes, std::string content_type) {
  if (options_.max_parts == 0) return;
  parts_.push_back(Item{std::move(uri), StoredSegment{std::move(bytes), std::move(content_type)}, {}});
  while (parts_.size() > options_.max_parts) parts_.pop_front();
}

void SegmentStore::set_max_parts(size_t max_parts) {
  options_.max_parts = max_parts;
  while (parts_.size() > options_.max_parts) parts_.pop_front();
}

std::optional<StoredSegment> SegmentStore::find(std::string_view uri) const {
  // Newest first: players ask for the live edge.
  for (auto it = parts_.rbegin(); it != parts_.rend(); ++it) {
    if (it->uri == uri) return it->segment;
  }
  if (auto it = find_uri(segments_, uri); it != segments_.end()) return it->segment;
  if (auto it = find_uri(inits_, uri); it != inits_.end()) return it->segment;
  return std::nullopt;
}

void SegmentStore::evict() {
  while (segments_.size() > options_.max_segments ||
         (total_bytes_ > options_.max_bytes && segments_.size() > 1)) {
    erase(segments_, segments_.begin());
  }
  drop_unused_inits();
}

void SegmentStore::drop_unused_inits() {
  if (inits_.empty()) return;
  // The newest init stays even unreferenced: the segment being muxed now will name it.
  for (auto it = inits_.begin(); it != inits_.end() - 1;) {
    const bool used = std::any_of(segments_.begin(), segments_.end(),
                                  [&](const Item& segment) { return segment.init_uri == it->uri; });
    if (used) {
      ++it;
    } else {
      total_bytes_ -= size_of(it->segment);
      it = inits_.erase(it);
    }
  }
}

void SegmentStore::erase(std::deque<Item>& items, std::deque<Item>::iterator it) {
  total_bytes_ -= size_of(it->segment);
  items.erase(it);
}

}  // namespace liverelay::hls
