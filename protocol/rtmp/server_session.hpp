// The server side of one RTMP connection, sans-I/O: bytes in, session events and bytes out.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
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

// play (7.2.2.1). The caller answers with accept_play or reject_play.
struct PlayRequested {
  uint32_t stream_id = 0;
  std::string stream_name;  // up to any '?'
  // As sent. RTMP spec 7.2.2.1 says seconds; FFmpeg, librtmp and FMS use milliseconds:
  // start -2000 (or -2): live or recorded, -1000 (or -1): live only, >= 0: a recorded offset.
  double start = -2;
  // Milliseconds of media to play, then NetStream.Play.Stop (rtmpdump --stop); <= 0: no end.
  double duration = -1;
};

// closeStream or deleteStream of the playing stream (or of a play not answered yet).
struct PlayStopped {
  uint32_t stream_id = 0;
};

// pause (7.2.2.8): the player stops (true) or resumes (false) receiving media. Media sent while
// paused would only queue up behind the player; resuming starts again at a keyframe.
struct PauseRequested {
  uint32_t stream_id = 0;
  bool paused = false;
};

using SessionEvent = std::variant<ConnectRequested, PublishRequested, MediaReceived, MetadataReceived,
                                  Unpublished, PlayRequested, PlayStopped, PauseRequested>;

// An immutable payload shared by every session that sends it (an FLV tag from the publisher).
using SharedBytes = std::shared_ptr<const std::vector<uint8_t>>;

// A piece of output for a gathered write: `owner` keeps `bytes` alive until they are sent.
struct OutputPart {
  std::span<const uint8_t> bytes;
  std::shared_ptr<const void> owner;
};

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

  // Bytes to send to the peer; empties the buffer. Copies media payloads: tests and control
  // traffic only; a player's connection uses take_output_parts.
  std::vector<uint8_t> take_output();
  // The same output as pieces in order, media payloads shared rather than copied.
  std::vector<OutputPart> take_output_parts();

  // Answers a PublishRequested: Stream Begin + onStatus NetStream.Publish.Start.
  void accept_publish(uint32_t stream_id);
  // Answers with an error onStatus ("NetStream.Publish.BadName", ...). The caller then closes
  // the connection once the output is flushed.
  void reject_publish(uint32_t stream_id, std::string_view code, std::string_view description);

  // Answers a PlayRequested (what nginx-rtmp and SRS send): Stream Begin, onStatus
  // NetStream.Play.Reset and NetStream.Play.Start, then |RtmpSampleAccess. Media may follow.
  void accept_play(uint32_t stream_id);
  // Answers with an error onStatus ("NetStream.Play.StreamNotFound", "NetStream.Play.BadName").
  // The connection may stay: a player can ask for another stream.
  void reject_play(uint32_t stream_id, std::string_view code, std::string_view description);
  // The publisher of the played stream is gone for good: Stream EOF, then onStatus
  // NetStream.Play.UnpublishNotify (FFmpeg and librtmp stop playing on it).
  void notify_unpublish(uint32_t stream_id);
  // A new publisher of the played stream: Stream Begin, onStatus NetStream.Play.PublishNotify.
  void notify_publish(uint32_t stream_id);
  // The duration the player asked for has been sent: Stream EOF, onStatus NetStream.Play.Stop
  // (librtmp closes on it). The play is over; the connection stays.
  void complete_play(uint32_t stream_id);

  // Queues an audio (8), video (9) or data (18, e.g. onMetaData) message for the play stream,
  // without copying `payload`: chunk headers are written apart and the payload is sliced into
  // chunks in take_output_parts. Each kind has its own chunk stream (4, 6, 5); the first
  // message on it has a type-0 header, later ones type 1 (a delta), or type 0 again when time
  // goes back or the delta needs the extended field (RTMP spec 5.3.1.2). Returns false when
  // the player turned that kind off (receiveAudio / receiveVideo false) and nothing was queued.
  bool write_media(uint32_t stream_id, MessageType type, uint32_t timestamp, SharedBytes payload);

  [[nodiscard]] bool handshake_done() const { return input_.handshake_done(); }
  [[nodiscard]] std::optional<uint32_t> playing_stream() const { return playing_stream_; }
  [[nodiscard]] std::optional<uint32_t> pending_play() const { return pending_play_; }
  [[nodiscard]] std::optional<uint32_t> publishing_stream() const { return publishing_stream_; }
  // A publish asked for and not answered yet (deleteStream withdraws it).
  [[nodiscard]] std::optional<uint32_t> pending_publish() const { return pending_publish_; }
  [[nodiscard]] uint64_t bytes_received() const { return input_.bytes_received(); }

 private:
  Result<void> on_message(Message message);
  Result<void> on_control(const Message& message);
  Result<void> on_command(const Message& message);
  Result<void> on_data(Message message);
  void on_connect(const Command& command);
  void on_publish(const Message& message, const Command& command);
  void end_publish(uint32_t stream_id);
  void on_stream_command(const Message& message, const Command& command);
  void on_play(const Message& message, const Command& command);
  void on_pause(const Message& message, const Command& command);
  void end_play(uint32_t stream_id);
  void end_stream(uint32_t stream_id);
  void seal_output();
  void send(const Message& message);
  void send_result(double transaction_id, amf0::Value properties, amf0::Value information);
  void send_status(uint32_t stream_id, std::string_view level, std::string_view code,
                   std::string_view description);

  ServerSessionOptions options_;
  SessionInput<ServerHandshake> input_;
  ChunkWriter writer_;
  std::vector<uint8_t> output_;     // protocol bytes written after the last sealed part
  std::vector<OutputPart> parts_;  // earlier output, in order, when media was queued
  std::deque<SessionEvent> events_;
  bool connected_ = false;
  uint32_t next_stream_id_ = 1;
  std::optional<uint32_t> publishing_stream_;
  std::optional<uint32_t> pending_publish_;
  std::optional<uint32_t> playing_stream_;
  std::optional<uint32_t> pending_play_;
  bool receive_audio_ = true;  // receiveAudio / receiveVideo (7.2.2.2, 7.2.2.3)
  bool receive_video_ = true;
  // The last media message on each of our media chunk streams (audio, data, video): what the
  // next header compresses against. These chunk streams are never written by writer_.
  struct MediaChunkStream {
    uint32_t timestamp = 0;
    uint32_t message_stream_id = 0;
    bool used = false;
  };
  std::array<MediaChunkStream, 3> media_streams_{};
};

}  // namespace liverelay::rtmp
