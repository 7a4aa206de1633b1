// Every stream the server knows by name: one publisher per name at a time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "server/stream/stream.hpp"

namespace liverelay {

class StreamRegistry {
 public:
  // Keyed mode names exist (offline) from the start.
  explicit StreamRegistry(StreamOptions options = {}, const std::vector<std::string>& configured_names = {});

  // The stream, now live for `publisher`; nullptr when the name is already live.
  Stream* begin_broadcast(const std::string& name, PublisherInfo publisher);
  void end_broadcast(Stream& stream);

  [[nodiscard]] Stream* find(const std::string& name);
  [[nodiscard]] std::vector<const Stream*> all() const;  // ordered by name
  [[nodiscard]] size_t live_count() const;
  // Housekeeping for every stream (reconnect grace, ended playlists): about once a second.
  void tick(int64_t now_ms);
  // Told of every stream's broadcasts (the recorder); set before the first publish.
  void set_broadcast_observer(BroadcastObserver* observer);
  // Shutdown: broadcasts whose publisher has left end now, without the grace.
  void end_all_now();
  // Someone asked to watch `name` (a playlist, a room, an RTMP player): an edge's on-demand
  // pull listens to start pulling before anything is live here.
  void set_demand_listener(std::function<void(const std::string& name)> listener) { demand_ = std::move(listener); }
  void note_demand(const std::string& name) {
    if (demand_) demand_(name);
  }

 private:
  StreamOptions options_;
  BroadcastObserver* observer_ = nullptr;
  std::function<void(const std::string&)> demand_;
  std::map<std::string, std::unique_ptr<Stream>, std::less<>> streams_;
};

}  // namespace liverelay
