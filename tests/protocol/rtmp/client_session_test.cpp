// ClientSession against our ServerSession in memory (publish), and against a scripted server
// built from the chunk primitives (play, refusals, pings).
#include <catch2/catch.hpp>

#include "protocol/rtmp/chunk_reader.hpp"
#include "protocol/rtmp/chunk_writer.hpp"
#include "protocol/rtmp/client_session.hpp"
#include "protocol/rtmp/command.hpp"
#include "protocol/rtmp/control.hpp"
#include "protocol/rtmp/handshake.hpp"
#include "protocol/rtmp/server_session.hpp"

using namespace liverelay;
using namespace liverelay::rtmp;

namespace {

void deliver(auto& to, std::span<const uint8_t> bytes, bool byte_by_byte) {
  if (!byte_by_byte) {
    REQUIRE(to.feed(bytes));
    return;
  }
  for (uint8_t b : bytes) REQUIRE(to.feed(std::span<const uint8_t>(&b, 1)));
}

// Moves bytes both ways until neither side has anything left to say (bounded).
void pump(ClientSession& client, ServerSession& server, bool byte_by_byte = false) {
  for (int round = 0; round < 32; ++round) {
    auto to_server = client.take_output();
    auto to_client = server.take_output();
    if (to_server.empty() && to_client.empty()) return;
    deliver(server, to_server, byte_by_byte);
    deliver(client, to_client, byte_by_byte);
  }
  FAIL("the sessions kept talking");
}

std::vector<ClientEvent> drain(ClientSession& client) {
  std::vector<ClientEvent> events;
  while (auto event = client.next_event()) events.push_back(std::move(*event));
  return events;
}

ClientSessionOptions publish_options() {
  ClientSessionOptions options;
  options.role = ClientRole::publish;
  options.tc_url = "rtmp://127.0.0.1:1935/live";
  options.stream_name = "cam1";
  options.seed = 3;
  return options;
}

// A server made of primitives: completes the handshake, then reads and writes messages.
class ScriptedServer {
 public:
  void handshake(ClientSession& client) {
    REQUIRE(handshake_.feed(client.take_output()));
    deliver(client, handshake_.take_output(), false);
    auto rest = client.take_output();  // C2, then the chunks of Set Chunk Size and connect
    auto used = handshake_.feed(rest);
    REQUIRE(used);
    REQUIRE(handshake_.done());
    REQUIRE(reader_.feed(std::span<const uint8_t>(rest).subspan(*used)));
  }

  std::vector<Command> commands(ClientSession& client) {
    REQUIRE(reader_.feed(client.take_output()));
    std::vector<Command> out;
    while (auto m = reader_.next()) {
      messages_.push_back(*m);
      if (m->type() == MessageType::command_amf0) out.push_back(parse_command(*m).value());
    }
    return out;
  }

  void send(ClientSession& client, const Message& message) {
    std::vector<uint8_t> bytes;
    writer_.write(message, bytes);
    deliver(client, bytes, false);
  }

  void status(ClientSession& client, uint32_t stream_id, const char* level, const char* code) {
    send(client, make_command(stream_id, Command{"onStatus", 0, amf0::Null{},
                                                 {amf0::Object{{"level", level}, {"code", code}}}}));
  }

  // Connect succeeds; createStream gives stream 1. Returns the commands the client sent.
  std::vector<Command> accept_until_stream(ClientSession& client) {
    auto sent = commands(client);
    REQUIRE(!sent.empty());
    REQUIRE(sent[0].name == "connect");
    send(client, make_command(0, Command{"_result", sent[0].transaction_id, amf0::Object{},
                                         {amf0::Object{{"level", "status"},
                                                       {"code", "NetConnection.Connect.Success"}}}}));
    auto more = commands(client);
    REQUIRE(!more.empty());
    REQUIRE(more.back().name == "createStream");
    send(client, make_command(0, Command{"_result", more.back().transaction_id, amf0::Null{}, {1.0}}));
    sent.insert(sent.end(), more.begin(), more.end());
    auto after = commands(client);
    sent.insert(sent.end(), after.begin(), after.end());
    return sent;
  }

  std::vector<Message> messages_;

 private:
  ServerHandshake handshake_{11};
  ChunkReader reader_;
  ChunkWriter writer_;
};

}  // namespace

TEST_CASE("client session publishes to a server session: connect, createStream, publish, media") {
  for (bool byte_by_byte : {false, true}) {
    ClientSession client(publish_options());
    ServerSession server;
    pump(client, server, byte_by_byte);

    auto connect = server.next_event();
    REQUIRE(connect);
    CHECK(std::get<ConnectRequested>(*connect).app == "live");
    CHECK(std::get<ConnectRequested>(*connect).tc_url == "rtmp://127.0.0.1:1935/live");
    auto publish = server.next_event();
    REQUIRE(publish);
    const auto request = std::get<PublishRequested>(*publish);
    CHECK(request.stream_key == "cam1");
    CHECK(request.publish_type == "live");

    server.accept_publish(request.stream_id);
    pump(client, server, byte_by_byte);
    auto events = drain(client);
    REQUIRE(events.size() == 2);
    CHECK(std::holds_alternative<ClientConnected>(events[0]));
    REQUIRE(std::holds_alternative<PublishStarted>(events[1]));
    CHECK(std::get<PublishStarted>(events[1]).stream_id == request.stream_id);
    CHECK(client.publishing());

    // A keyframe bigger than a chunk, then audio: the server gets both intact, in order.
    std::vector<uint8_t> video(10'000);
    for (size_t i = 0; i < video.size(); ++i) video[i] = static_cast<uint8_t>(i * 7);
    const std::vector<uint8_t> audio{0xAF, 0x01, 0x21, 0x10};
    client.send_metadata(amf0::EcmaArray{{{"width", 1280.0}}});
    client.send_media(MessageType::video, 40, video);
    client.send_media(MessageType::audio, 0x1000000, audio);  // past the 24-bit field
    const amf0::Value encoded[] = {"onMetaData", amf0::EcmaArray{{{"height", 720.0}}}};
    client.send_media(MessageType::data_amf0, 0x1000000, amf0::encode_all(encoded));
    pump(client, server, byte_by_byte);

    auto metadata = server.next_event();
    REQUIRE(metadata);
    CHECK(std::get<MetadataReceived>(*metadata).metadata.get("width")->as_number() == 1280.0);
    auto first = server.next_event();
    REQUIRE(first);
    CHECK(std::get<MediaReceived>(*first).type == MessageType::video);
    CHECK(std::get<MediaReceived>(*first).timestamp == 40);
    CHECK(std::get<MediaReceived>(*first).payload == video);
    auto second = server.next_event();
    REQUIRE(second);
    CHECK(std::get<MediaReceived>(*second).timestamp == 0x1000000);
    CHECK(std::get<MediaReceived>(*second).payload == audio);
    auto relayed = server.next_event();  // as a relay forwards a publisher's metadata
    REQUIRE(relayed);
    CHECK(std::get<MetadataReceived>(*relayed).metadata.get("height")->as_number() == 720.0);

    client.close_stream();
    pump(client, server, byte_by_byte);
    auto unpublished = server.next_event();
    REQUIRE(unpublished);
    CHECK(std::holds_alternative<Unpublished>(*unpublished));
    CHECK_FALSE(client.publishing());
  }
}

TEST_CASE("client session reports a refused publish as a fatal status") {
  ClientSession client(publish_options());
  ServerSession server;
  pump(client, server);
  server.next_event();  // connect
  const auto request = std::get<PublishRequested>(server.next_event().value());
  server.reject_publish(request.stream_id, "NetStream.Publish.BadName", "already publishing");
  pump(client, server);

  auto events = drain(client);
  REQUIRE(events.size() == 2);
  const auto& status = std::get<StatusReceived>(events[1]);
  CHECK(status.code == "NetStream.Publish.BadName");
  CHECK(status.fatal);
  CHECK_FALSE(client.publishing());
  // Media before a publish started goes nowhere.
  const std::vector<uint8_t> audio{0xAF, 0x01};
  client.send_media(MessageType::audio, 0, audio);
  CHECK(client.take_output().empty());
}

TEST_CASE("client session reports a refused connect") {
  auto options = publish_options();
  options.app = "vod";
  ClientSession client(options);
  ServerSession server;
  pump(client, server);
  auto events = drain(client);
  REQUIRE(events.size() == 1);
  const auto& status = std::get<StatusReceived>(events[0]);
  CHECK(status.code == "NetConnection.Connect.Rejected");
  CHECK(status.fatal);
}

TEST_CASE("client session plays: play after createStream, then metadata and media events") {
  ClientSessionOptions options;
  options.role = ClientRole::play;
  options.tc_url = "rtmp://127.0.0.1:1935/live";
  options.stream_name = "cam1";
  ClientSession client(options);
  ScriptedServer server;
  server.handshake(client);
  auto sent = server.accept_until_stream(client);

  REQUIRE(sent.size() == 3);
  CHECK(sent[0].command_object.get("videoCodecs") != nullptr);  // a player says what it decodes
  CHECK(sent[1].name == "createStream");
  CHECK(sent[2].name == "play");
  CHECK(*sent[2].arguments.at(0).as_string() == "cam1");
  // Set Buffer Length for stream 1 follows play.
  const auto& last = server.messages_.back();
  REQUIRE(last.type() == MessageType::user_control);
  auto buffer = parse_user_control(last.payload).value();
  CHECK(buffer.event == UserControlEvent::set_buffer_length);
  CHECK(buffer.value == 1);
  CHECK(buffer.extra == 3000);

  // Media before Play.Start is not ours to deliver.
  server.send(client, Message{kVideoChunkStream, 9, 1, 0, {0x17, 0x00}});
  server.status(client, 1, "status", "NetStream.Play.Reset");
  server.status(client, 1, "status", "NetStream.Play.Start");
  const amf0::Value data[] = {"onMetaData", amf0::EcmaArray{{{"framerate", 30.0}}}};
  server.send(client, make_data(1, data));
  server.send(client, Message{kVideoChunkStream, 9, 1, 33, {0x17, 0x01, 0, 0, 0, 0xAA}});
  server.send(client, Message{kAudioChunkStream, 8, 1, 34, {0xAF, 0x01, 0xBB}});

  auto events = drain(client);
  REQUIRE(events.size() == 6);
  CHECK(std::holds_alternative<ClientConnected>(events[0]));
  CHECK(std::get<StatusReceived>(events[1]).code == "NetStream.Play.Reset");
  CHECK_FALSE(std::get<StatusReceived>(events[1]).fatal);
  CHECK(std::get<PlayStarted>(events[2]).stream_id == 1);
  CHECK(std::get<RemoteMetadata>(events[3]).metadata.get("framerate")->as_number() == 30.0);
  const auto& video = std::get<RemoteMedia>(events[4]);
  CHECK(video.type == MessageType::video);
  CHECK(video.timestamp == 33);
  CHECK(video.payload == std::vector<uint8_t>{0x17, 0x01, 0, 0, 0, 0xAA});
  CHECK(std::get<RemoteMedia>(events[5]).type == MessageType::audio);
  CHECK(std::get<RemoteMedia>(events[5]).payload == std::vector<uint8_t>{0xAF, 0x01, 0xBB});
}

TEST_CASE("client session answers pings and acknowledges the server's window") {
  ClientSessionOptions options;
  options.role = ClientRole::play;
  options.stream_name = "cam1";
  ClientSession client(options);
  ScriptedServer server;
  server.handshake(client);
  server.accept_until_stream(client);
  server.send(client, make_window_ack_size(1000));
  server.send(client, make_user_control({UserControlEvent::ping_request, 1234, 0}));
  server.status(client, 1, "status", "NetStream.Play.Start");
  server.send(client, Message{kVideoChunkStream, 9, 1, 0, std::vector<uint8_t>(1500, 0x27)});
  server.commands(client);

  bool pong = false, acknowledged = false;
  for (const auto& m : server.messages_) {
    if (m.type() == MessageType::user_control) {
      auto control = parse_user_control(m.payload).value();
      pong = pong || (control.event == UserControlEvent::ping_response && control.value == 1234);
    }
    acknowledged = acknowledged || m.type() == MessageType::acknowledgement;
  }
  CHECK(pong);
  CHECK(acknowledged);
}

TEST_CASE("client session treats an error status while playing as fatal") {
  ClientSessionOptions options;
  options.role = ClientRole::play;
  options.stream_name = "nope";
  ClientSession client(options);
  ScriptedServer server;
  server.handshake(client);
  server.accept_until_stream(client);
  server.status(client, 1, "error", "NetStream.Play.StreamNotFound");
  auto events = drain(client);
  REQUIRE(events.size() == 2);
  CHECK(std::get<StatusReceived>(events[1]).code == "NetStream.Play.StreamNotFound");
  CHECK(std::get<StatusReceived>(events[1]).fatal);
  CHECK_FALSE(client.playing());
}

TEST_CASE("client session survives garbage from the server with an error, not a crash") {
  ClientSession client(publish_options());
  std::vector<uint8_t> garbage(4000, 0xFF);
  garbage[0] = 3;  // a valid S0, then S1 S2 of junk and chunks of junk
  // S1 has no valid digest, so the handshake passes; then 0xFF is a type-3 chunk header on a
  // chunk stream with no earlier header: a protocol error, reported, with no event.
  auto fed = client.feed(garbage);
  REQUIRE_FALSE(fed);
  CHECK(fed.error().code == Errc::malformed);
  CHECK_FALSE(client.next_event());
}
