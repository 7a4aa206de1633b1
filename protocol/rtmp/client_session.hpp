// The client side of one RTMP connection, sans-I/O: push relays publish through it and edges
// pull (play) through it. Bytes in, session events and bytes out, like ServerSession.
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
#include "protocol/rtmp/session_input.hpp"

namespace liverelay::rtmp {

enum class ClientRole { publish, play };

struct ClientSessionOptions {
  ClientRole role = ClientRole::publish;
  std::string app = "live";         // connect's "app"
  std::string tc_url;               // rtmp://host:port/live
  std::string stream_name;          // what publish or play names (a key for a remote platform)
  std::string flash_ver = "FMLE/3.0 (compatible; liverelay)";
  uint64_t seed = 0;                // handshake random filler
  uint32_t out_chunk_size = 4096;   // larger chunks: fewer headers on the media we send
  uint32_t buffer_length_ms = 3000; // Set Buffer Length announced after play (RTMP spec 7.1.7)
  ChunkReaderLimits limits;
};

// The server accepted connect (NetConnection.Connect.Success).
struct ClientConnected {};
// NetStream.Publish.Start: media may be sent from now on.
struct PublishStarted {
  uint32_t stream_id = 0;
};
// NetStream.Play.Start: media follows.
struct PlayStarted {
  uint32_t stream_id = 0;
};
// Any other status (onStatus, or a connect refused with _error). `fatal` when the session cannot
// go on: a refused connect, publish or play (level "error"), as the caller must then close.
struct StatusReceived {
  std::string level;
  std::string code;
  std::string description;
  bool fatal = false;
};
// Audio (8) or video (9) from the played stream.
struct RemoteMedia {
  MessageType type = MessageType::video;
  uint32_t timestamp = 0;
  std::vector<uint8_t> payload;
};
// onMetaData of the played stream (the metadata object).
struct RemoteMetadata {
  amf0::Value metadata;
};

using ClientEvent =
    std::variant<ClientConnected, PublishStarted, PlayStarted, StatusReceived, RemoteMedia, RemoteMetadata>;

class ClientSession {
 public:
  // C0 and C1 are in the output at once: the caller sends them as soon as it has connected.
  explicit ClientSession(ClientSessionOptions options);

  // Consumes bytes from the server. An error is a protocol violation: close the connection.
  Result<void> feed(std::span<const uint8_t> in);
  std::optional<ClientEvent> next_event();
  // Bytes to send to the server; empties the buffer.
  std::vector<uint8_t> take_output();

  // Publishing, once PublishStarted arrived (ignored before): audio or video tag payloads, or a
  // data message (data_amf0) holding the encoded "onMetaData" and its object, sent behind
  // @setDataFrame. send_metadata encodes the metadata object itself.
  void send_media(MessageType type, uint32_t timestamp, std::span<const uint8_t> payload);
  void send_metadata(const amf0::Value& metadata);
  // Leaves politely: FCUnpublish (when publishing) and deleteStream. The caller then closes.
  void close_stream();

  [[nodiscard]] bool publishing() const { return publishing_; }
  [[nodiscard]] bool playing() const { return playing_; }
  [[nodiscard]] uint64_t bytes_received() const { return input_.bytes_received(); }

 private:
  Result<void> on_message(Message message);
  Result<void> on_control(const Message& message);
  Result<void> on_command(const Message& message);
  Result<void> on_data(const Message& message);
  void on_result(const Command& command);
  void on_status(const Command& command);
  void send_connect();
  void request_stream();
  void send_command(uint32_t stream_id, std::string name, double transaction_id,
                    std::vector<amf0::Value> arguments);
  void send(const Message& message);

  ClientSessionOptions options_;
  SessionInput<ClientHandshake> input_;
  ChunkWriter writer_;
  std::vector<uint8_t> output_;
  std::deque<ClientEvent> events_;
  double next_transaction_ = 1;
  double connect_transaction_ = 0;
  double create_stream_transaction_ = 0;
  std::optional<uint32_t> stream_id_;
  bool publishing_ = false;
  bool playing_ = false;
};

}  // namespace liverelay::rtmp
