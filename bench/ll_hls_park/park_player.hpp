// One player of the load client on its thread's loop: a kept-alive HTTP/1.1 connection that
// sends one playlist request at a time and notes when each complete answer was read.
#pragma once

#include <uv.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delivery.hpp"
#include "http_response_reader.hpp"
#include "playlist_position.hpp"

namespace ll_hls_park {

class ParkThread;

class ParkPlayer {
 public:
  enum class State { kIdle, kConnecting, kReady, kWaiting, kClosed };

  ParkPlayer(ParkThread& thread, uint32_t id);
  ~ParkPlayer();
  ParkPlayer(const ParkPlayer&) = delete;
  ParkPlayer& operator=(const ParkPlayer&) = delete;

  void connect();
  // GET `target`; `part` is the part a blocking reload waits for (nullopt: a plain reload).
  // Only a `measured` one is kept in deliveries().
  void request(const std::string& target, std::optional<PartId> part, bool measured);
  // Gives up on this player: counted as a failure with `reason` unless the run is closing.
  void fail(const std::string& reason);
  void close();

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] uint32_t id() const { return id_; }
  [[nodiscard]] uint64_t sent_ns() const { return sent_ns_; }
  [[nodiscard]] uint32_t requests_sent() const { return requests_sent_; }
  [[nodiscard]] std::string_view last_body() const { return body_; }
  [[nodiscard]] const std::vector<Delivery>& deliveries() const { return deliveries_; }

 private:
  static void on_connect(uv_connect_t* request, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  void on_response(const HttpResponse& response);
  void write(std::string_view bytes);
  void close_handle();

  ParkThread& thread_;
  uint32_t id_;
  State state_ = State::kIdle;
  uv_tcp_t* tcp_ = nullptr;  // allocated on its own: freed by its close callback
  HttpResponseReader reader_;
  std::string body_;  // the last playlist answered
  std::optional<PartId> waiting_for_;
  bool measured_ = false;
  uint32_t requests_sent_ = 0;
  uint64_t sent_ns_ = 0;
  uint64_t read_ns_ = 0;  // when the read being parsed returned
  std::vector<Delivery> deliveries_;
};

}  // namespace ll_hls_park
