// Every stream the server knows by name: one publisher per name at a time.
#pragma once

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

 private:
  StreamOptions options_;
  std::map<std::string, std::unique_ptr<Stream>, std::less<>> streams_;
};

}  // namespace liverelay
