// One libuv loop on its own thread with its share of the players: connects them, has each
// ask for the part after the one its last answer listed, and closes them when the run says so.
#pragma once

#include <uv.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "park_options.hpp"
#include "park_player.hpp"
#include "run_state.hpp"

namespace ll_hls_park {

class ParkThread {
 public:
  ParkThread(const Options& options, RunState& run);
  ~ParkThread();
  ParkThread(const ParkThread&) = delete;
  ParkThread& operator=(const ParkThread&) = delete;

  // Before start() only.
  void add_player(uint32_t id);
  void start();
  // The run's phase changed: called from the main thread.
  void wake();
  void join();

  [[nodiscard]] ThreadCounters& counters() { return counters_; }
  // After join() only.
  [[nodiscard]] const std::vector<std::unique_ptr<ParkPlayer>>& players() const { return players_; }
  [[nodiscard]] const std::map<std::string, uint64_t>& failures() const { return failures_; }

  // For this thread's players.
  [[nodiscard]] const Options& options() const { return options_; }
  uv_loop_t* loop() { return &loop_; }
  uv_buf_t read_buffer() {
    return uv_buf_init(read_buffer_.data(), static_cast<unsigned>(read_buffer_.size()));
  }
  void on_connected(ParkPlayer& player);
  void on_answered(ParkPlayer& player);
  void on_failed(ParkPlayer& player, ParkPlayer::State was, const std::string& reason);

 private:
  static void on_wake(uv_async_t* handle);
  static void on_watchdog(uv_timer_t* handle);
  static void on_send_check(uv_check_t* handle);
  void connect_more();
  void begin_rounds();
  void queue_next(ParkPlayer& player);
  // The requests of every player queued since the last loop turn.
  void send_queued();
  // No request out and none queued: this thread's players are done.
  void settle_if_done();
  void expire_waiting();
  void close_all();

  const Options& options_;
  RunState& run_;
  ThreadCounters counters_;
  std::map<std::string, uint64_t> failures_;
  uv_loop_t loop_{};
  uv_async_t wake_{};
  uv_timer_t watchdog_{};
  uv_check_t send_check_{};
  std::vector<std::unique_ptr<ParkPlayer>> players_;
  size_t next_to_connect_ = 0;
  uint32_t connecting_ = 0;
  uint32_t waiting_ = 0;              // players with a request out
  std::vector<ParkPlayer*> queued_;   // answered, their next request not written yet
  std::vector<ParkPlayer*> sending_;  // being written by send_queued()
  Phase phase_ = Phase::kConnecting;
  std::array<char, 64 * 1024> read_buffer_{};
  std::thread thread_;
};

}  // namespace ll_hls_park
