// ClientSession: handshake, connect, createStream, then publish or play, as FFmpeg and OBS do.
#include "protocol/rtmp/client_session.hpp"

#include "protocol/rtmp/control.hpp"

namespace liverelay::rtmp {
namespace {

std::string string_field(const amf0::Value& object, std::string_view key) {
  const amf0::Value* value = object.get(key);
  return value && value->as_string() ? *value->as_string() : std::string();
}

StatusReceived status_from(const amf0::Value& information) {
  StatusReceived status{string_field(information, "level"), string_field(information, "code"),
                        string_field(information, "description"), false};
  status.fatal = status.level == "error";
  return status;
}

// connect's command object (RTMP spec 7.2.1.1). A player also says what it can decode, as
// Flash did: some servers (Wowza, FMS) send no video to a client that announces no codecs.
amf0::Object connect_object(const ClientSessionOptions& options) {
  amf0::Object object{{"app", options.app}, {"type", "nonprivate"}, {"flashVer", options.flash_ver},
                      {"tcUrl", options.tc_url}};
  if (options.role == ClientRole::play) {
    object.push_back({"fpad", false});
    object.push_back({"capabilities", 15.0});
    object.push_back({"audioCodecs", 4071.0});
    object.push_back({"videoCodecs", 252.0});
    object.push_back({"videoFunction", 1.0});
  }
  return object;
}

}  // namespace

ClientSession::ClientSession(ClientSessionOptions options)
    : options_(std::move(options)), input_(ClientHandshake(options_.seed, /*digest=*/true), options_.limits) {
  output_ = input_.handshake().take_output();
}

Result<void> ClientSession::feed(std::span<const uint8_t> in) {
  auto fed = input_.feed(
      in, output_, [this] { send_connect(); },
      [this](Message message) { return on_message(std::move(message)); });
  if (!fed) return fed;
  // A player receives a lot: the server stops sending without acknowledgements.
  if (auto ack = input_.acknowledgement()) send(*ack);
  return {};
}

std::optional<ClientEvent> ClientSession::next_event() {
  if (events_.empty()) return std::nullopt;
  ClientEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::vector<uint8_t> ClientSession::take_output() {
  std::vector<uint8_t> out;
  out.swap(output_);
  return out;
}

void ClientSession::send_media(MessageType type, uint32_t timestamp, std::span<const uint8_t> payload) {
  if (!publishing_) return;
  std::vector<uint8_t> body;
  uint32_t chunk_stream = kVideoChunkStream;
  if (type == MessageType::audio) {
    chunk_stream = kAudioChunkStream;
  } else if (type == MessageType::data_amf0) {
    // Metadata is kept by the server only behind @setDataFrame (FFmpeg and OBS send it so).
    chunk_stream = kDataChunkStream;
    amf0::encode("@setDataFrame", body);
  } else if (type != MessageType::video) {
    return;
  }
  body.insert(body.end(), payload.begin(), payload.end());
  send(Message{chunk_stream, static_cast<uint8_t>(type), *stream_id_, timestamp, std::move(body)});
}

void ClientSession::send_metadata(const amf0::Value& metadata) {
  if (!publishing_) return;
  const amf0::Value values[] = {"@setDataFrame", "onMetaData", metadata};
  Message message = make_data(*stream_id_, values);
  message.chunk_stream_id = kDataChunkStream;
  send(message);
}

void ClientSession::close_stream() {
  if (!stream_id_) return;
  if (publishing_) send_command(0, "FCUnpublish", next_transaction_++, {options_.stream_name});
  send_command(0, "deleteStream", next_transaction_++, {*stream_id_});
  publishing_ = playing_ = false;
  stream_id_.reset();
}

Result<void> ClientSession::on_message(Message message) {
  switch (message.type()) {
    case MessageType::command_amf0:
    case MessageType::command_amf3:
      return on_command(message);
    case MessageType::data_amf0:
    case MessageType::data_amf3:
      return on_data(message);
    case MessageType::audio:
    case MessageType::video:
      if (playing_) events_.push_back(RemoteMedia{message.type(), message.timestamp, std::move(message.payload)});
      return {};
    default:
      return on_control(message);
  }
}

Result<void> ClientSession::on_control(const Message& message) {
  if (message.type() == MessageType::window_ack_size) {
    auto size = parse_u32_control(message.payload);
    if (!size) return tl::unexpected(std::move(size.error()).context("window ack size"));
    input_.set_peer_ack_window(*size);
  } else if (message.type() == MessageType::user_control) {
    auto control = parse_user_control(message.payload);
    if (!control && control.error().code == Errc::unsupported) return {};
    if (!control) return tl::unexpected(std::move(control.error()).context("user control"));
    // Servers drop clients that leave pings unanswered (nginx-rtmp's ping_timeout).
    if (control->event == UserControlEvent::ping_request) {
      send(make_user_control({UserControlEvent::ping_response, control->value, 0}));
    }
  }
  // Set Chunk Size and Abort were applied by the reader; the rest only informs a sender.
  return {};
}

Result<void> ClientSession::on_command(const Message& message) {
  auto parsed = parse_command(message);
  if (!parsed) return tl::unexpected(std::move(parsed.error()).context("command"));
  const Command& command = *parsed;
  if (command.name == "_result") {
    on_result(command);
  } else if (command.name == "_error") {
    // Only a refused connect or createStream stops us; servers may refuse releaseStream or
    // FCPublish, which are courtesies.
    if (command.transaction_id == connect_transaction_ || command.transaction_id == create_stream_transaction_) {
      StatusReceived status = command.arguments.empty() ? StatusReceived{} : status_from(command.arguments[0]);
      status.fatal = true;
      if (status.code.empty()) status.code = "NetConnection.Call.Failed";
      events_.push_back(std::move(status));
    }
  } else if (command.name == "onStatus") {
    on_status(command);
  }
  // onBWDone, onFCPublish, _checkbw and the like need no answer from a relay.
  return {};
}

void ClientSession::on_result(const Command& command) {
  if (command.transaction_id == connect_transaction_) {
    connect_transaction_ = 0;
    events_.push_back(ClientConnected{});
    request_stream();
  } else if (command.transaction_id == create_stream_transaction_) {
    create_stream_transaction_ = 0;
    const auto id = command.arguments.empty() ? std::nullopt : command.arguments[0].as_number();
    if (!id || *id < 1 || *id > 0xFFFFFFFF) {
      events_.push_back(StatusReceived{"error", "NetConnection.Call.Failed", "createStream gave no stream id", true});
      return;
    }
    stream_id_ = static_cast<uint32_t>(*id);
    if (options_.role == ClientRole::publish) {
      send_command(*stream_id_, "publish", 0, {options_.stream_name, "live"});
    } else {
      // RTMP spec 7.2.2.1: start -1000 (as librtmp and FFmpeg send) plays the live stream.
      send_command(*stream_id_, "play", 0, {options_.stream_name, -1000.0});
      send(make_user_control({UserControlEvent::set_buffer_length, *stream_id_, options_.buffer_length_ms}));
    }
  }
}

void ClientSession::on_status(const Command& command) {
  if (command.arguments.empty()) return;
  StatusReceived status = status_from(command.arguments[0]);
  if (status.code == "NetStream.Publish.Start" && options_.role == ClientRole::publish && stream_id_) {
    publishing_ = true;
    events_.push_back(PublishStarted{*stream_id_});
  } else if (status.code == "NetStream.Play.Start" && options_.role == ClientRole::play && stream_id_) {
    playing_ = true;
    events_.push_back(PlayStarted{*stream_id_});
  } else {
    events_.push_back(std::move(status));
  }
}

Result<void> ClientSession::on_data(const Message& message) {
  if (!playing_) return {};
  auto values = parse_data(message);
  if (!values) return tl::unexpected(std::move(values.error()).context("data message"));
  // |RtmpSampleAccess and other data messages mean nothing to a relay.
  if (const amf0::Value* metadata = metadata_in(*values)) events_.push_back(RemoteMetadata{*metadata});
  return {};
}

void ClientSession::send_connect() {
  send(make_set_chunk_size(options_.out_chunk_size));
  writer_.set_chunk_size(options_.out_chunk_size);
  connect_transaction_ = next_transaction_++;
  send(make_command(0, Command{"connect", connect_transaction_, connect_object(options_), {}}));
}

void ClientSession::request_stream() {
  if (options_.role == ClientRole::publish) {
    // FMLE's sequence; servers that keep a stream reserved for a while (FMS, some CDNs) free it
    // on releaseStream.
    send_command(0, "releaseStream", next_transaction_++, {options_.stream_name});
    send_command(0, "FCPublish", next_transaction_++, {options_.stream_name});
  }
  create_stream_transaction_ = next_transaction_++;
  send_command(0, "createStream", create_stream_transaction_, {});
}

void ClientSession::send_command(uint32_t stream_id, std::string name, double transaction_id,
                                 std::vector<amf0::Value> arguments) {
  send(make_command(stream_id, Command{std::move(name), transaction_id, amf0::Null{}, std::move(arguments)}));
}

void ClientSession::send(const Message& message) { writer_.write(message, output_); }

}  // namespace liverelay::rtmp
