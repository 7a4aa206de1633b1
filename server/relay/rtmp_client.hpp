// One outgoing RTMP connection on the loop: connects, runs a ClientSession (publish or play)
// and hands its events up. Push relays and edge pulls are built on it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <uv.h>

#include "protocol/rtmp/client_session.hpp"
#include "protocol/rtmp/url.hpp"
#include "server/net/tcp_connection.hpp"
#include "server/net/tcp_connector.hpp"
#include "server/net/timer.hpp"

namespace liverelay {

class RtmpClient {
 public:
  using EventCallback = std::function<void(rtmp::ClientEvent& event)>;
  // The connection is over (refused, failed, closed by the peer, timed out): the owner may
  // destroy us inside the call.
  using ClosedCallback = std::function<void(std::string_view reason)>;

  // Connecting, the handshake and the publish or play answer must all happen within this.
  static constexpr uint64_t kStartTimeoutMs = 10'000;
  // A player that receives nothing this long has lost its server.
  static constexpr uint64_t kIdleTimeoutMs = 30'000;

  RtmpClient(uv_loop_t* loop, const rtmp::Url& url, rtmp::ClientRole role);
  ~RtmpClient();
  RtmpClient(const RtmpClient&) = delete;
  RtmpClient& operator=(const RtmpClient&) = delete;

  void start(EventCallback on_event, ClosedCallback on_closed);

  // Publishing: sends through the session (ignored before PublishStarted).
  void send_media(rtmp::MessageType type, uint32_t timestamp, std::span<const uint8_t> payload);
  void send_metadata(const amf0::Value& metadata);
  // Leaves politely (FCUnpublish, deleteStream) and closes once that is sent. No callback follows.
  void stop();

  // Bytes the socket has not taken yet: a slow target shows here.
  [[nodiscard]] size_t queued_bytes() const { return socket_ ? socket_->queued_bytes() : 0; }
  [[nodiscard]] uint64_t bytes_out() const { return socket_ ? socket_->bytes_out() : 0; }
  [[nodiscard]] bool started() const { return session_.publishing() || session_.playing(); }

 private:
  void on_connected(Result<uv_tcp_t*> connected);
  void on_data(std::span<const uint8_t> bytes);
  void flush();
  void fail(std::string_view reason);

  rtmp::ClientSession session_;
  std::string host_;
  uint16_t port_;
  TcpConnector connector_;
  std::unique_ptr<TcpConnection> socket_;
  Timer timer_;
  EventCallback on_event_;
  ClosedCallback on_closed_;
  bool finished_ = false;
};

}  // namespace liverelay
