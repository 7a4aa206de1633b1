// Every push and pull of the server: built from the config, changed by the admin API, ticked
// by the housekeeping timer (pushes attach to streams as they appear; on-demand pulls start when
// a viewer asks and stop a while after the last one leaves).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/config/config.hpp"
#include "server/relay/pull_relay.hpp"
#include "server/relay/push_relay.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

class Relays {
 public:
  // `viewers` counts a stream's viewers (WebSockets, HLS sessions, RTMP players).
  using ViewerCount = std::function<size_t(const std::string& stream)>;

  Relays(uv_loop_t* loop, StreamRegistry& streams, ViewerCount viewers)
      : loop_(loop), streams_(streams), viewers_(std::move(viewers)) {}

  // Checks every URL first: one bad entry refuses the whole config, with its reason.
  Result<void> configure(const std::vector<PushConfig>& pushes, const std::vector<PullConfig>& pulls);

  // The admin API's changes. add_push fails on a bad URL; remove_push says whether it existed.
  Result<uint64_t> add_push(const std::string& stream, const std::string& url);
  bool remove_push(const std::string& stream, uint64_t id);

  // Someone asked for the stream (a playlist, a room, an RTMP player): an on-demand pull starts.
  void note_demand(const std::string& stream, int64_t now_ms);
  void tick(int64_t now_ms);
  // Shutdown: every push and pull ends.
  void stop();

  [[nodiscard]] std::vector<PushStatus> pushes(const std::string& stream) const;
  [[nodiscard]] const PullRelay* pull(const std::string& stream) const;
  [[nodiscard]] bool pulled(const std::string& stream) const { return pulls_.contains(stream); }
  [[nodiscard]] bool any_pulls() const { return !pulls_.empty(); }

 private:
  struct Push {
    std::string stream;
    uint64_t id = 0;
    rtmp::Url url;
    std::unique_ptr<PushRelay> relay;  // once the stream exists
  };
  struct Pull {
    std::unique_ptr<PullRelay> relay;
    int64_t idle_ms = 30'000;
    int64_t last_demand_ms = 0;
  };

  void attach_pushes();

  uv_loop_t* loop_;
  StreamRegistry& streams_;
  ViewerCount viewers_;
  std::vector<Push> pushes_;
  std::map<std::string, Pull, std::less<>> pulls_;
  uint64_t next_push_id_ = 1;
};

}  // namespace liverelay
