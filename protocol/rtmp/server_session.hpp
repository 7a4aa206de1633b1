// The server side of one RTMP connection, sans-I/O: bytes in, session events and bytes out.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/rtmp/amf0.hpp"
#include "protocol/rtmp/chunk_reader.hpp"
#include "protocol/rtmp/chunk_writer.hpp"
#include "protocol/rtmp/command.hpp"
#include "protocol/rtmp/handshake.hpp"

namespace liverelay::rtmp {

// connect's command object, as the encoder sent it (RTMP spec 7.2.1.1).
struct ConnectRequested {
  std::string app;        // "live" (query string removed)
  std::string tc_url;     // rtmp://host/live
  std::string flash_ver;  // "FMLE/3.0 (compatible; FMSc/1.0)", "FMLE/3.0 (compatible; Lavf...)"
};

// publish (7.2.2.6). The caller answers with accept_publish or reject_publish.
struct PublishRequested {
  uint32_t stream_id = 0;
  std::string stream_key;  // the publishing name up to any '?'; a secret in keyed mode
  std::string publish_type;  // "live", "record", "append"
};

// Audio (8), video (9) or a data message (18) on the published stream.
struct MediaReceived {
  MessageType type = MessageType::video;
  uint32_t timestamp = 0;
  std::vector<uint8_t> payload;
};

// @setDataFrame onMetaData {...} or a bare onMetaData: the metadata object (an ECMA array).
struct MetadataReceived {
  amf0::Value metadata;
};

// FCUnpublish, closeStream or deleteStream of the publishing stream.
struct Unpublished {
  uint32_t stream_id = 0;
};

using SessionEvent =
    std::variant<ConnectRequested, PublishRequested, MediaReceived, MetadataReceived, Unpublished>;

struct ServerSessionOptions {
  uint64_t seed = 0;                      // handshake random filler
  uint32_t window_ack_size = 2'500'000;   // what we ask the peer to acknowledge
  uint32_t peer_bandwidth = 2'500'000;
  uint32_t out_chunk_size = 4096;         // larger chunks: fewer headers on media we send
  ChunkReaderLimits limits;
  std::string accepted_app = "live";      // connect to any other app is rejected
};

class ServerSession {
 public:
  explicit ServerSession(ServerSessionOptions options = {});

  // Consumes bytes from the peer. An error is a protocol violation: close the connection.
  Result<void> feed(std::span<const uint8_t> in);

  std::optional<SessionEvent> next_event();

  // Bytes to send to the peer; empties the buffer.
  std::vector<uint8_t> take_output();

  // Answers a PublishRequested: Stream Begin + onStatus NetStream.Publish.Start.
  void accept_publish(uint32_t stream_id);
  // Answers with an error onStatus ("NetStream.Publish.BadName", ...). The caller then closes
  // the connection once the output is flushed.
  void reject_publish(uint32_t stream_id, std::string_view code, std::string_view description);

  [[nodiscard]] bool handshake_done() const { return handshake_.done(); }
  [[nodiscard]] std::optional<uint32_t> publishing_stream() const { return publishing_stream_; }
  // A publish asked for and not answered yet (deleteStream withdraws it).
  [[nodiscard]] std::optional<uint32_t> pending_publish() const { return pending_publish_; }
  [[nodiscard]] uint64_t bytes_received() const { return handshake_bytes_ + reader_.bytes_received(); }

 private:
  Result<void> on_message(Message message);
  Result<void> on_control(const Message& message);
  Result<void> on_command(const Message& message);
  Result<void> on_data(Message message);
  void on_connect(const Command& command);
  void on_publish(const Message& message, const Command& command);
  void end_publish(uint32_t stream_id);
  void send(const Message& message);
  void send_result(double transaction_id, amf0::Value properties, amf0::Value information);
  void send_status(uint32_t stream_id, std::string_view level, std::string_view code,
                   std::string_view description);
  void maybe_acknowledge();

  ServerSessionOptions options_;
  ServerHandshake handshake_;
  ChunkReader reader_;
  ChunkWriter writer_;
  std::vector<uint8_t> output_;
  std::deque<SessionEvent> events_;
  uint64_t handshake_bytes_ = 0;
  bool connected_ = false;
  uint32_t next_stream_id_ = 1;
  std::optional<uint32_t> publishing_stream_;
  std::optional<uint32_t> pending_publish_;
  uint32_t peer_ack_window_ = 0;  // set by the peer's Window Acknowledgement Size
  uint64_t last_ack_sent_ = 0;
};

}  // namespace liverelay::rtmp
