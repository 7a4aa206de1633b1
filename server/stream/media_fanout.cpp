// MediaFanout: tags to every sink by pointer, through the GOP cache.
#include "server/stream/media_fanout.hpp"

#include <algorithm>

namespace liverelay {

void MediaFanout::add(MediaSink& sink) {
  sinks_.push_back(&sink);
  for (const MediaTag& tag : cache_.snapshot()) sink.on_tag(tag);
}

void MediaFanout::remove(MediaSink& sink) {
  auto it = std::find(sinks_.begin(), sinks_.end(), &sink);
  if (it == sinks_.end()) return;
  if (dispatching_ > 0) {
    *it = nullptr;  // the loop handing out a tag is indexing this vector
  } else {
    sinks_.erase(it);
  }
}

size_t MediaFanout::sink_count() const {
  return static_cast<size_t>(
      std::count_if(sinks_.begin(), sinks_.end(), [](MediaSink* s) { return s != nullptr; }));
}

template <class Call>
void MediaFanout::each_sink(Call call) {
  ++dispatching_;
  // By index: a sink added meanwhile (a player joining from a callback) is appended safely
  // and already had the tag through its snapshot.
  const size_t count = sinks_.size();
  for (size_t i = 0; i < count; ++i) {
    if (MediaSink* sink = sinks_[i]) call(*sink);
  }
  if (--dispatching_ == 0) std::erase(sinks_, nullptr);
}

void MediaFanout::on_tag(TagKind kind, uint32_t timestamp, media::SharedBuffer payload) {
  if (kind == TagKind::metadata) {
    timestamp = last_timestamp_;
  } else {
    last_timestamp_ = timestamp;
  }
  const MediaTag tag = classify_tag(kind, timestamp, std::move(payload));
  cache_.on_tag(tag);
  each_sink([&](MediaSink& sink) { sink.on_tag(tag); });
}

void MediaFanout::on_stream_begin() {
  cache_.clear();
  last_timestamp_ = 0;
  each_sink([](MediaSink& sink) { sink.on_stream_begin(); });
}

void MediaFanout::on_stream_end() {
  cache_.clear();
  each_sink([](MediaSink& sink) { sink.on_stream_end(); });
}

}  // namespace liverelay
