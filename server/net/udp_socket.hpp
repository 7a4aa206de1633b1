// One bound UDP socket on the loop: datagrams in through a callback, datagrams out at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/net/endpoint.hpp"

namespace liverelay {

class UdpSocket {
 public:
  // `from` is valid during the call only.
  using DatagramHandler = std::function<void(std::span<const uint8_t> datagram, const sockaddr* from)>;

  // The largest datagram read whole; a longer one arrives cut and is dropped (counted).
  static constexpr size_t kMaxDatagram = 2048;

  static Result<std::unique_ptr<UdpSocket>> bind(uv_loop_t* loop, const Endpoint& endpoint,
                                                 DatagramHandler on_datagram);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Hands the datagram to the kernel now, without a copy or a queue. When the socket's send
  // buffer is full it is dropped and counted: media over UDP is lossy by design, and NACK and
  // keyframe requests repair what a viewer misses, whereas a queue would only add delay.
  bool send(std::span<const uint8_t> datagram, const sockaddr* to);

  // The bound address (the real port when the endpoint asked for port 0).
  [[nodiscard]] Endpoint local_endpoint() const;
  [[nodiscard]] uint64_t send_drops() const { return send_drops_; }
  [[nodiscard]] uint64_t truncated() const { return truncated_; }

 private:
  UdpSocket(uv_udp_t* handle, DatagramHandler on_datagram);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buffer);
  static void on_receive(uv_udp_t* handle, ssize_t size, const uv_buf_t* buffer, const sockaddr* from,
                         unsigned flags);

  uv_udp_t* handle_;
  DatagramHandler on_datagram_;
  std::array<uint8_t, kMaxDatagram> buffer_{};  // one datagram at a time: libuv reads one per callback
  uint64_t send_drops_ = 0;
  uint64_t truncated_ = 0;
};

}  // namespace liverelay
