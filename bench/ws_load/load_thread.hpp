// One libuv loop on its own thread with its share of the connections: opens them at the asked
// rate, sends its senders' comments when the run says so, and closes everything at the end.
#pragma once

#include <uv.h>

#include <array>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "load_client.hpp"
#include "load_options.hpp"
#include "run_state.hpp"

namespace ws_load {

class LoadThread {
 public:
  LoadThread(const Options& options, RunState& run, unsigned total_senders);
  ~LoadThread();
  LoadThread(const LoadThread&) = delete;
  LoadThread& operator=(const LoadThread&) = delete;

  // Before start() only.
  void add_client(LoadClient::Role role, uint32_t id);
  void start();
  // The run's phase changed: called from the main thread.
  void wake();
  void join();
  [[nodiscard]] size_t clients() const { return clients_.size(); }

  // For this thread's clients.
  ThreadStats& stats() { return stats_; }
  [[nodiscard]] const Options& options() const { return options_; }
  RunState& run() { return run_; }
  uv_loop_t* loop() { return &loop_; }
  uv_buf_t read_buffer() {
    return uv_buf_init(read_buffer_.data(), static_cast<unsigned>(read_buffer_.size()));
  }
  // One clock reading per socket read: every frame in it arrived at the same moment.
  void stamp_read();
  [[nodiscard]] uint64_t read_ns() const { return read_ns_; }
  uint64_t random();
  // A connection opened or failed: room for another handshake.
  void on_settled() { --pending_; }

 private:
  static void on_wake(uv_async_t* handle);
  static void on_connect_tick(uv_timer_t* handle);
  static void on_send_tick(uv_timer_t* handle);
  static void on_send_check(uv_check_t* handle);
  void connect_more();
  void send_at_rate();
  void send_flood();
  // The next open sender whose cap allows a comment at now_ns, in turn; nullptr if none.
  LoadClient* next_sender(uint64_t now_ns);
  void send_from(LoadClient& sender, uint64_t now_ns);
  void close_all();

  const Options& options_;
  RunState& run_;
  ThreadStats stats_;
  unsigned total_senders_;
  uv_loop_t loop_{};
  uv_async_t wake_{};
  uv_timer_t connect_timer_{};
  uv_timer_t send_timer_{};
  uv_check_t send_check_{};
  std::vector<std::unique_ptr<LoadClient>> clients_;
  std::vector<LoadClient*> senders_;
  size_t next_to_connect_ = 0;
  uint32_t pending_ = 0;
  double connect_budget_ = 0;
  uint64_t last_connect_tick_ns_ = 0;
  size_t next_sender_ = 0;
  uint64_t sent_here_ = 0;
  uint64_t flood_progress_ = 0;  // viewer deliveries when the flood last saw progress
  uint64_t flood_progress_ns_ = 0;
  double flood_forgiven_ = 0;  // comments written off as lost, so a loss cannot stall the flood
  Phase phase_ = Phase::kConnecting;
  uint64_t read_ns_ = 0;
  uint64_t random_state_;
  std::array<char, 64 * 1024> read_buffer_{};
  std::thread thread_;
};

}  // namespace ws_load
