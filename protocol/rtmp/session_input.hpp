// The peer's bytes as both sides of a connection read them: the handshake (RTMP spec 5.2),
// then the chunk stream message by message, acknowledged once per window (5.4.3). A session
// keeps only what it does with each message.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/rtmp/chunk_reader.hpp"
#include "protocol/rtmp/control.hpp"

namespace liverelay::rtmp {

// `Handshake` is ServerHandshake or ClientHandshake.
template <typename Handshake>
class SessionInput {
 public:
  SessionInput(Handshake handshake, ChunkReaderLimits limits)
      : handshake_(std::move(handshake)), reader_(limits) {}

  // Consumes `in`: the handshake's replies are appended to `output`; `on_handshake_done()` runs
  // once, as the handshake completes and before any message; each complete message then goes
  // to `on_message(Message) -> Result<void>`, whose first error ends the call.
  template <typename OnHandshakeDone, typename OnMessage>
  Result<void> feed(std::span<const uint8_t> in, std::vector<uint8_t>& output,
                    OnHandshakeDone&& on_handshake_done, OnMessage&& on_message) {
    if (!handshake_.done()) {
      auto used = handshake_.feed(in);
      if (!used) return tl::unexpected(std::move(used.error()).context("handshake"));
      handshake_bytes_ += *used;
      auto reply = handshake_.take_output();
      output.insert(output.end(), reply.begin(), reply.end());
      in = in.subspan(*used);
      if (!handshake_.done()) return {};
      on_handshake_done();
      if (in.empty()) return {};
    }
    if (auto fed = reader_.feed(in); !fed) return fed;
    while (auto message = reader_.next()) {
      if (auto handled = on_message(std::move(*message)); !handled) return handled;
    }
    return {};
  }

  // The peer's Window Acknowledgement Size.
  void set_peer_ack_window(uint32_t size) { peer_ack_window_ = size; }
  // An Acknowledgement when a window of bytes has come in since the last one: a peer that
  // sends a lot (media) stops when it hears none.
  std::optional<Message> acknowledgement() {
    if (peer_ack_window_ == 0) return std::nullopt;
    const uint64_t received = bytes_received();
    if (received - last_ack_sent_ < peer_ack_window_) return std::nullopt;
    last_ack_sent_ = received;
    return make_acknowledgement(static_cast<uint32_t>(received));
  }

  [[nodiscard]] Handshake& handshake() { return handshake_; }
  [[nodiscard]] bool handshake_done() const { return handshake_.done(); }
  [[nodiscard]] uint64_t bytes_received() const { return handshake_bytes_ + reader_.bytes_received(); }

 private:
  Handshake handshake_;
  ChunkReader reader_;
  uint64_t handshake_bytes_ = 0;
  uint32_t peer_ack_window_ = 0;
  uint64_t last_ack_sent_ = 0;
};

}  // namespace liverelay::rtmp
