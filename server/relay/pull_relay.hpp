// An edge's pull: plays a stream from an origin over RTMP and publishes it here under a local
// name, so HLS, rooms, RTMP players and pushes serve it like any local stream. Retries with
// backoff while it is wanted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <uv.h>

#include "protocol/rtmp/url.hpp"
#include "server/net/timer.hpp"
#include "server/relay/rtmp_client.hpp"
#include "server/stream/stream_registry.hpp"

namespace liverelay {

struct PullStatus {
  std::string origin;  // redacted like a push target
  std::string state;   // idle, connecting, pulling, retrying
  bool on_demand = true;
  uint64_t connects = 0;
  uint64_t failures = 0;
  std::string last_error;
};

class PullRelay {
 public:
  static constexpr uint64_t kFirstRetryMs = 1'000;
  static constexpr uint64_t kMaxRetryMs = 15'000;

  PullRelay(uv_loop_t* loop, StreamRegistry& registry, std::string name, rtmp::Url origin, bool on_demand);
  ~PullRelay();
  PullRelay(const PullRelay&) = delete;
  PullRelay& operator=(const PullRelay&) = delete;

  // Starts pulling (no-op when already wanted); keeps retrying until release().
  void want();
  // Stops pulling: the local broadcast ends as when a publisher leaves.
  void release();

  [[nodiscard]] bool wanted() const { return wanted_; }
  [[nodiscard]] bool on_demand() const { return on_demand_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] PullStatus status() const;

 private:
  enum class State { idle, connecting, pulling, retrying };

  void connect();
  void on_event(rtmp::ClientEvent& event);
  void on_media(rtmp::RemoteMedia& media);
  void on_closed(std::string_view reason);
  bool begin_publish();
  void end_publish();
  void end_client();

  uv_loop_t* loop_;
  StreamRegistry& registry_;
  std::string name_;
  rtmp::Url origin_;
  bool on_demand_;
  bool wanted_ = false;
  State state_ = State::idle;
  std::unique_ptr<RtmpClient> client_;
  std::unique_ptr<RtmpClient> retired_;  // stopped, kept until no callback of it can be running
  Stream* stream_ = nullptr;             // while we publish it here
  Timer retry_timer_;
  uint64_t retry_ms_ = kFirstRetryMs;
  uint64_t connects_ = 0;
  uint64_t failures_ = 0;
  std::string last_error_;
};

}  // namespace liverelay
