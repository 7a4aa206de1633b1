// One WebRTC data channel association (RFC 8831) over usrsctp, sans-I/O: SCTP packets in and out
// as bytes (they travel inside DTLS), DCEP (RFC 8832) answered here, channel messages as events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/webrtc/dcep.hpp"

struct socket;  // usrsctp's

namespace liverelay::webrtc {

class UsrsctpLibrary;

// The largest message we take or send: what the SDP answer announces as a=max-message-size.
inline constexpr size_t kSctpMaxMessageSize = 256 * 1024;
// The largest SCTP packet we send: 1280 (the IPv6 minimum MTU) - 40 (IPv6) - 8 (UDP) - 37 (a DTLS
// 1.2 record with AES-GCM: 13 header, 8 nonce, 16 tag), rounded down to SCTP's 4-byte alignment.
// Path MTU discovery cannot see through DTLS, so this stays fixed.
inline constexpr size_t kSctpMaxPacketSize = 1192;
// RFC 8841 5: the port when the SDP names none.
inline constexpr uint16_t kSctpDefaultPort = 5000;

// In WebRTC the browser initiates the association; the client role exists for tests and tools.
enum class SctpRole { server, client };

struct SctpAssociationConfig {
  SctpRole role = SctpRole::server;
  uint16_t local_port = kSctpDefaultPort;                // our a=sctp-port
  uint16_t remote_port = kSctpDefaultPort;               // the peer's a=sctp-port (client role only)
  size_t max_message_size = kSctpMaxMessageSize;         // the largest message we accept
  size_t remote_max_message_size = kSctpMaxMessageSize;  // the peer's a=max-message-size
  // Bytes accepted by send_*() but not yet acknowledged by the peer. A send that does not fit is
  // refused, so a slow viewer shows up as a full buffer and the caller drops it. It must hold one
  // message of the largest size.
  size_t send_buffer_size = 512 * 1024;
  size_t receive_buffer_size = 256 * 1024;
  std::string name;  // names the association in log lines (a session id)
};

// Events, in the order they happened.
struct SctpEstablished {};
// Server: the peer's DATA_CHANNEL_OPEN, already acknowledged. Client: our open, acknowledged.
struct ChannelOpened {
  uint16_t stream_id;
  std::string label;
  std::string protocol;
  DcepChannelType channel_type;
};
struct MessageReceived {
  uint16_t stream_id;
  std::vector<uint8_t> bytes;
  bool binary;
};
// The peer reset its outgoing stream (RFC 8831 6.7), after a close from either side.
struct ChannelClosed {
  uint16_t stream_id;
};
// The association is gone (peer ABORT or SHUTDOWN, lost peer, or a protocol violation). Nothing
// follows it; sends fail.
struct SctpClosed {
  std::string reason;
};
using SctpEvent = std::variant<SctpEstablished, ChannelOpened, MessageReceived, ChannelClosed, SctpClosed>;

class SctpAssociation {
 public:
  using PacketSink = std::function<void(std::span<const uint8_t> packet)>;
  using EventSink = std::function<void(SctpEvent&& event)>;

  // Server role: listens on config.local_port for the peer's INIT. Client role: sends INIT now.
  // Packets go to `on_packet` (to be encrypted by DTLS) and events to `on_event`. Both are called
  // only after usrsctp has returned, from receive(), send_*(), open_channel(), close_channel(),
  // close() or UsrsctpLibrary::tick(); they may destroy the association.
  static Result<std::unique_ptr<SctpAssociation>> create(UsrsctpLibrary& library,
                                                         SctpAssociationConfig config, PacketSink on_packet,
                                                         EventSink on_event);
  // Frees the association at once: no packet (not even an ABORT) and no event comes after it.
  ~SctpAssociation();
  SctpAssociation(const SctpAssociation&) = delete;
  SctpAssociation& operator=(const SctpAssociation&) = delete;

  // One SCTP packet, decrypted by DTLS. Anything may arrive: usrsctp checks the CRC32c and
  // drops what does not parse.
  void receive(std::span<const uint8_t> packet);

  // Opens a channel from our side (DCEP OPEN); ChannelOpened follows the peer's ACK.
  Result<void> open_channel(uint16_t stream_id, const DataChannelOpen& open);
  Result<void> send_text(uint16_t stream_id, std::string_view text);
  Result<void> send_binary(uint16_t stream_id, std::span<const uint8_t> bytes);
  // Resets our outgoing stream (RFC 8831 6.7); ChannelClosed follows when the peer resets its.
  Result<void> close_channel(uint16_t stream_id);
  // Aborts the association (the ABORT goes out through on_packet); SctpClosed follows.
  void close(std::string_view reason);

  [[nodiscard]] bool established() const { return state_ == State::established; }
  // Bytes sent but not yet acknowledged by the peer (like RTCDataChannel.bufferedAmount).
  [[nodiscard]] size_t buffered_amount() const { return buffered_; }
  [[nodiscard]] const std::string& name() const { return config_.name; }

 private:
  friend class UsrsctpLibrary;
  enum class State { connecting, established, closed };
  enum class ChannelState { opening, open, closing };
  struct Channel {
    DataChannelOpen params;
    ChannelState state;
  };
  // What usrsctp handed us inside a callback, kept for after it returns.
  struct Inbound {
    std::vector<uint8_t> bytes;
    uint16_t stream_id;
    uint32_t ppid;
    bool notification;
    bool end_of_record;
  };
  struct Partial {
    uint32_t ppid;
    std::vector<uint8_t> bytes;
  };

  SctpAssociation(UsrsctpLibrary& library, SctpAssociationConfig config, PacketSink on_packet,
                  EventSink on_event);
  Result<void> start();
  Result<void> configure_socket(struct socket* socket);

  friend struct SctpCallbacks;  // usrsctp's receive and send-space callbacks, in the .cpp
  // The association usrsctp means by an AF_CONN address or ulp_info (our id), if it still exists.
  static SctpAssociation* from_usrsctp(void* id);
  void queue_packet_out(std::span<const uint8_t> packet);

  // Hands out queued packets and events, after doing what the callbacks asked for. Safe to call
  // from inside itself (a sink that sends) and survives a sink that destroys the association.
  void flush();
  void process_inbound();
  void accept_pending();
  void handle_notification(std::span<const uint8_t> bytes);
  void handle_association_change(std::span<const uint8_t> bytes);
  void handle_stream_reset(std::span<const uint8_t> bytes);
  void handle_message(uint16_t stream_id, uint32_t ppid, std::vector<uint8_t> bytes);
  void handle_dcep(uint16_t stream_id, std::span<const uint8_t> bytes);
  void add_piece(Inbound&& piece);

  Result<void> send_message(uint16_t stream_id, uint32_t ppid, std::span<const uint8_t> bytes,
                            bool dcep = false);
  Result<void> reset_outgoing(uint16_t stream_id);
  void fail_association(std::string reason);
  void close_sockets();

  UsrsctpLibrary& library_;
  SctpAssociationConfig config_;
  PacketSink on_packet_;
  EventSink on_event_;
  uintptr_t id_ = 0;
  struct socket* listener_ = nullptr;  // server role, until the association is accepted
  struct socket* socket_ = nullptr;
  State state_ = State::connecting;
  std::map<uint16_t, Channel> channels_;
  std::map<uint16_t, Partial> partial_;  // messages arriving in pieces (partial delivery)
  std::deque<Inbound> inbound_;
  std::deque<std::vector<uint8_t>> packets_out_;
  std::deque<SctpEvent> events_;
  size_t send_buffer_limit_ = 0;
  size_t buffered_ = 0;
  bool flushing_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace liverelay::webrtc
