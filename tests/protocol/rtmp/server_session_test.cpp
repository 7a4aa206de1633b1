// ServerSession driven by a scripted client built from our own client-side primitives.
#include <catch2/catch.hpp>

#include "protocol/rtmp/chunk_reader.hpp"
#include "protocol/rtmp/chunk_writer.hpp"
#include "protocol/rtmp/command.hpp"
#include "protocol/rtmp/control.hpp"
#include "protocol/rtmp/handshake.hpp"
#include "protocol/rtmp/server_session.hpp"
#include "server_session_client.hpp"

using namespace liverelay;
using namespace liverelay::rtmp;
using namespace liverelay::rtmp::testing;

namespace {

// Connects and publishes `key`, stopping at the PublishRequested event.
PublishRequested start_publish(ServerSession& server, ScriptedClient& client, const char* key) {
  client.handshake(server);
  client.command(server, 0, connect_command());
  REQUIRE(std::holds_alternative<ConnectRequested>(server.next_event().value()));
  client.command(server, 0, Command{"releaseStream", 2, amf0::Null{}, {key}});
  client.command(server, 0, Command{"FCPublish", 3, amf0::Null{}, {key}});
  client.command(server, 0, Command{"createStream", 4, amf0::Null{}, {}});
  client.received(server);
  client.command(server, 1, Command{"publish", 5, amf0::Null{}, {key, "live"}});
  auto event = server.next_event();
  REQUIRE(event);
  REQUIRE(std::holds_alternative<PublishRequested>(*event));
  return std::get<PublishRequested>(*event);
}

}  // namespace

TEST_CASE("server session answers connect with window, bandwidth, chunk size and a success result") {
  for (bool byte_by_byte : {false, true}) {
    ServerSession server;
    ScriptedClient client(byte_by_byte);
    client.handshake(server);
    client.command(server, 0, connect_command());

    auto event = server.next_event();
    REQUIRE(event);
    const auto& connect = std::get<ConnectRequested>(*event);
    CHECK(connect.app == "live");
    CHECK(connect.tc_url == "rtmp://127.0.0.1:1935/live");
    CHECK(connect.flash_ver == "FMLE/3.0 (compatible; Lavf59.27.100)");

    auto messages = client.received(server);
    REQUIRE(messages.size() == 4);
    CHECK(messages[0].type() == MessageType::window_ack_size);
    CHECK(messages[1].type() == MessageType::set_peer_bandwidth);
    CHECK(messages[2].type() == MessageType::set_chunk_size);
    CHECK(parse_u32_control(messages[2].payload).value() == 4096);
    auto result = parse_command(messages[3]).value();
    CHECK(result.name == "_result");
    CHECK(result.transaction_id == 1);
    CHECK(status_code(result) == "NetConnection.Connect.Success");
  }
}

TEST_CASE("server session refuses a connect to another application") {
  ServerSession server;
  ScriptedClient client;
  client.handshake(server);
  client.command(server, 0, connect_command("vod"));
  auto replies = client.received_commands(server);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].name == "_error");
  CHECK(status_code(replies[0]) == "NetConnection.Connect.Rejected");
}

TEST_CASE("server session walks an encoder through createStream and publish") {
  ServerSession server;
  ScriptedClient client;
  client.handshake(server);
  client.command(server, 0, connect_command());
  client.received(server);
  REQUIRE(std::holds_alternative<ConnectRequested>(server.next_event().value()));
  client.command(server, 0, Command{"releaseStream", 2, amf0::Null{}, {"cam1"}});
  client.command(server, 0, Command{"FCPublish", 3, amf0::Null{}, {"cam1"}});
  client.command(server, 0, Command{"createStream", 4, amf0::Null{}, {}});
  auto replies = client.received_commands(server);
  REQUIRE(replies.size() == 4);
  CHECK(replies[0].name == "_result");
  CHECK(replies[1].name == "onFCPublish");
  CHECK(replies[2].name == "_result");
  CHECK(replies[3].name == "_result");
  CHECK(replies[3].transaction_id == 4);
  CHECK(replies[3].arguments.at(0).as_number() == 1.0);

  client.command(server, 1, Command{"publish", 5, amf0::Null{}, {"cam1?token=abc", "live"}});
  auto publish = std::get<PublishRequested>(server.next_event().value());
  CHECK(publish.stream_id == 1);
  CHECK(publish.stream_key == "cam1");
  CHECK(publish.publish_type == "live");
  CHECK(client.received(server).empty());  // nothing until the server decides

  server.accept_publish(1);
  auto messages = client.received(server);
  REQUIRE(messages.size() == 2);
  auto begin = parse_user_control(messages[0].payload).value();
  CHECK(begin.event == UserControlEvent::stream_begin);
  CHECK(begin.value == 1);
  auto status = parse_command(messages[1]).value();
  CHECK(status.name == "onStatus");
  CHECK(messages[1].message_stream_id == 1);
  CHECK(status_code(status) == "NetStream.Publish.Start");
  CHECK(server.publishing_stream() == 1u);
}

TEST_CASE("server session delivers media and metadata of the published stream only") {
  ServerSession server;
  ScriptedClient client;
  auto publish = start_publish(server, client, "cam1");
  server.accept_publish(publish.stream_id);

  amf0::EcmaArray metadata{{{"width", 1280.0}, {"encoder", "Lavf59.27.100"}}};
  std::vector<amf0::Value> data{"@setDataFrame", "onMetaData", metadata};
  client.send(server, make_data(1, data));
  client.send(server, Message{kVideoChunkStream, 9, 1, 40, {0x17, 0x01, 0, 0, 0, 0xAA}});
  client.send(server, Message{kAudioChunkStream, 8, 1, 42, {0xAF, 0x01, 0x21}});
  client.send(server, Message{kVideoChunkStream, 9, 7, 80, {0x27, 0x01}});  // another stream id

  auto meta = std::get<MetadataReceived>(server.next_event().value());
  CHECK(meta.metadata.get("width")->as_number() == 1280.0);
  auto video = std::get<MediaReceived>(server.next_event().value());
  CHECK(video.type == MessageType::video);
  CHECK(video.timestamp == 40);
  CHECK(video.payload == std::vector<uint8_t>{0x17, 0x01, 0, 0, 0, 0xAA});
  auto audio = std::get<MediaReceived>(server.next_event().value());
  CHECK(audio.type == MessageType::audio);
  CHECK(audio.timestamp == 42);
  CHECK_FALSE(server.next_event());
}

TEST_CASE("server session reports the end of a publish on FCUnpublish and deleteStream once") {
  ServerSession server;
  ScriptedClient client;
  auto publish = start_publish(server, client, "cam1");
  server.accept_publish(publish.stream_id);
  client.received(server);
  client.command(server, 0, Command{"FCUnpublish", 6, amf0::Null{}, {"cam1"}});
  client.command(server, 0, Command{"deleteStream", 7, amf0::Null{}, {1.0}});
  auto ended = std::get<Unpublished>(server.next_event().value());
  CHECK(ended.stream_id == 1);
  CHECK_FALSE(server.next_event());
  CHECK_FALSE(server.publishing_stream());
}

TEST_CASE("server session answers a refused publish with an error status") {
  ServerSession server;
  ScriptedClient client;
  auto publish = start_publish(server, client, "bad");
  server.reject_publish(publish.stream_id, "NetStream.Publish.BadName", "already publishing");
  auto replies = client.received_commands(server);
  REQUIRE(replies.size() == 1);
  CHECK(status_code(replies[0]) == "NetStream.Publish.BadName");
  CHECK(*replies[0].arguments[0].get("level")->as_string() == "error");
  CHECK_FALSE(server.publishing_stream());
}

TEST_CASE("server session answers unknown requests with _error and keeps the connection") {
  ServerSession server;
  ScriptedClient client;
  client.handshake(server);
  client.command(server, 0, connect_command());
  client.received(server);
  client.command(server, 0, Command{"getMovieLength", 9, amf0::Null{}, {"x"}});
  client.command(server, 0, Command{"someNotification", 0, amf0::Null{}, {}});
  auto replies = client.received_commands(server);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].name == "_error");
  CHECK(replies[0].transaction_id == 9);
}

TEST_CASE("server session answers a ping request with a ping response") {
  ServerSession server;
  ScriptedClient client;
  client.handshake(server);
  client.send(server, make_user_control({UserControlEvent::ping_request, 123456, 0}));
  auto messages = client.received(server);
  REQUIRE(messages.size() == 1);
  auto pong = parse_user_control(messages[0].payload).value();
  CHECK(pong.event == UserControlEvent::ping_response);
  CHECK(pong.value == 123456);
}

TEST_CASE("server session acknowledges each window of bytes the peer asked for") {
  ServerSession server;
  ScriptedClient client;
  auto publish = start_publish(server, client, "cam1");
  server.accept_publish(publish.stream_id);
  client.send(server, make_window_ack_size(10000));
  client.received(server);
  for (int i = 0; i < 5; ++i) {
    client.send(server, Message{kVideoChunkStream, 9, 1, static_cast<uint32_t>(i * 33),
                                std::vector<uint8_t>(3000, 0x27)});
  }
  std::vector<uint32_t> acks;
  for (const auto& m : client.received(server)) {
    if (m.type() == MessageType::acknowledgement) acks.push_back(parse_u32_control(m.payload).value());
  }
  REQUIRE(acks.size() == 1);
  CHECK(acks[0] >= 10000);
  CHECK(acks[0] <= server.bytes_received());
}

TEST_CASE("server session rejects garbage instead of a handshake") {
  ServerSession server;
  std::vector<uint8_t> garbage(1537, 0x47);  // 'G': an HTTP request, not C0 = 3
  auto fed = server.feed(garbage);
  REQUIRE_FALSE(fed);
  CHECK(fed.error().message.rfind("handshake", 0) == 0);
}
