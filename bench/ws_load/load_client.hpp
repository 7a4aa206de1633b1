// One WebSocket connection of the load generator on its thread's loop: connect, upgrade, count
// what arrives, answer pings, and (for a sender) send comments stamped with their send time.
#pragma once

#include <uv.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ws_client_framing.hpp"

namespace ws_load {

class LoadThread;
struct ThreadStats;

class LoadClient {
 public:
  enum class Role { kViewer, kSender };
  enum class State { kIdle, kConnecting, kUpgrading, kOpen, kClosed };

  LoadClient(LoadThread& thread, Role role, uint32_t id);
  ~LoadClient();
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  void connect();
  // Sends one comment stamped with now_ns; false if the connection is not open.
  bool send_comment(uint64_t now_ns);
  // The run is over: a close frame if open, then the socket closes.
  void finish();

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] Role role() const { return role_; }
  [[nodiscard]] uint64_t next_send_ns() const { return next_send_ns_; }
  void set_next_send_ns(uint64_t ns) { next_send_ns_ = ns; }

 private:
  static void on_connect(uv_connect_t* request, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  void on_bytes(std::span<const uint8_t> bytes);
  void on_upgrade_bytes(std::span<const uint8_t> bytes);
  void on_message(const Message& message);
  void on_text(std::string_view payload);
  void send_frame(Opcode opcode, std::string_view payload);
  void write(std::string_view bytes);
  // Before it opened: a failed connection. After: a dropped one (unless the run is ending).
  void fail(const std::string& reason);
  void close_handle();

  LoadThread& thread_;
  ThreadStats& stats_;
  Role role_;
  uint32_t id_;
  State state_ = State::kIdle;
  uv_tcp_t* tcp_ = nullptr;  // allocated on its own: freed by its close callback
  std::string key_;
  std::string answer_;  // the upgrade answer while it is incomplete
  FrameReader reader_;
  uint64_t next_send_ns_ = 0;
};

}  // namespace ws_load
