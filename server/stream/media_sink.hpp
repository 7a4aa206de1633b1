// What consumes a stream's media as the publisher sent it (RTMP players, push relays): the
// interface MediaFanout calls, on the loop, in the order things happened.
#pragma once

#include "server/stream/media_tag.hpp"

namespace liverelay {

class MediaSink {
 public:
  virtual ~MediaSink() = default;

  // A publisher started or came back within the reconnect grace: its timestamps start again
  // (usually at 0), and its metadata and sequence headers come next as tags.
  virtual void on_stream_begin() = 0;
  // One tag, shared with every other sink: never modified, copied only if kept past the call
  // by something other than the pointer.
  virtual void on_tag(const MediaTag& tag) = 0;
  // The broadcast is over: the grace passed with no publisher, or an operator ended it.
  virtual void on_stream_end() = 0;
};

}  // namespace liverelay
