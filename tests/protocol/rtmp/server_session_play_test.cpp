// ServerSession as a player sees it: play, its answers, media sent without copies, stream events.
#include <catch2/catch.hpp>

#include "protocol/core/byte_reader.hpp"
#include "protocol/rtmp/server_session.hpp"
#include "server_session_client.hpp"

using namespace liverelay;
using namespace liverelay::rtmp;
using namespace liverelay::rtmp::testing;

namespace {

// Connects, creates stream 1 and asks to play `name` as FFmpeg does (FCSubscribe and
// getStreamLength first), stopping at the PlayRequested event.
PlayRequested start_play(ServerSession& server, ScriptedClient& client, const char* name) {
  client.handshake(server);
  client.command(server, 0, connect_command());
  REQUIRE(std::holds_alternative<ConnectRequested>(server.next_event().value()));
  client.command(server, 0, Command{"createStream", 2, amf0::Null{}, {}});
  client.command(server, 0, Command{"FCSubscribe", 3, amf0::Null{}, {name}});
  client.command(server, 0, Command{"getStreamLength", 4, amf0::Null{}, {name}});
  auto replies = client.received_commands(server);
  REQUIRE(replies.size() == 5);  // connect's _result, createStream's, onFCSubscribe + _result, length
  CHECK(replies[2].name == "onFCSubscribe");
  CHECK(replies[4].transaction_id == 4);
  CHECK(replies[4].arguments.at(0).as_number() == 0.0);
  client.command(server, 1, Command{"play", 5, amf0::Null{}, {name, -2.0}});
  auto event = server.next_event();
  REQUIRE(event);
  REQUIRE(std::holds_alternative<PlayRequested>(*event));
  return std::get<PlayRequested>(*event);
}

SharedBytes shared_bytes(std::vector<uint8_t> bytes) {
  return std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
}

std::vector<uint8_t> media_payload(size_t size, uint8_t first) {
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(first + i * 7);
  return out;
}

}  // namespace

TEST_CASE("server session answers an accepted play with stream begin, reset, start and sample access") {
  for (bool byte_by_byte : {false, true}) {
    ServerSession server;
    ScriptedClient client(byte_by_byte);
    auto play = start_play(server, client, "cam1?token=x");
    CHECK(play.stream_id == 1);
    CHECK(play.stream_name == "cam1");
    CHECK(play.start == -2.0);
    CHECK(server.pending_play() == 1u);
    CHECK(client.received(server).empty());  // nothing until the server decides

    server.accept_play(1);
    auto messages = client.received(server);
    REQUIRE(messages.size() == 4);
    auto begin = parse_user_control(messages[0].payload).value();
    CHECK(begin.event == UserControlEvent::stream_begin);
    CHECK(begin.value == 1);
    CHECK(status_code(parse_command(messages[1]).value()) == "NetStream.Play.Reset");
    CHECK(status_code(parse_command(messages[2]).value()) == "NetStream.Play.Start");
    CHECK(messages[2].message_stream_id == 1);
    REQUIRE(messages[3].type() == MessageType::data_amf0);
    CHECK(messages[3].message_stream_id == 1);
    auto access = parse_data(messages[3]).value();
    REQUIRE(access.size() == 3);
    CHECK(*access[0].as_string() == "|RtmpSampleAccess");
    CHECK(server.playing_stream() == 1u);
    CHECK_FALSE(server.pending_play());
  }
}

TEST_CASE("server session refuses a play with an error status and lets the player try again") {
  ServerSession server;
  ScriptedClient client;
  auto play = start_play(server, client, "nobody");
  server.reject_play(play.stream_id, "NetStream.Play.StreamNotFound", "no such stream");
  auto replies = client.received_commands(server);
  REQUIRE(replies.size() == 1);
  CHECK(status_code(replies[0]) == "NetStream.Play.StreamNotFound");
  CHECK(*replies[0].arguments[0].get("level")->as_string() == "error");
  CHECK_FALSE(server.playing_stream());

  client.command(server, 1, Command{"play", 6, amf0::Null{}, {"cam1"}});
  auto again = std::get<PlayRequested>(server.next_event().value());
  CHECK(again.stream_name == "cam1");
  CHECK(again.start == -2.0);  // absent: live or recorded
}

TEST_CASE("server session refuses a play on a stream that was never created, or a second play") {
  ServerSession server;
  ScriptedClient client;
  client.handshake(server);
  client.command(server, 0, connect_command());
  client.received(server);
  server.next_event();
  client.command(server, 3, Command{"play", 2, amf0::Null{}, {"cam1"}});
  auto replies = client.received_commands(server);
  REQUIRE(replies.size() == 1);
  CHECK(status_code(replies[0]) == "NetStream.Play.Failed");
  CHECK_FALSE(server.next_event());

  client.command(server, 0, Command{"createStream", 3, amf0::Null{}, {}});
  client.command(server, 1, Command{"play", 4, amf0::Null{}, {"cam1"}});
  REQUIRE(std::holds_alternative<PlayRequested>(server.next_event().value()));
  client.command(server, 1, Command{"play", 5, amf0::Null{}, {"cam2"}});
  CHECK_FALSE(server.next_event());
  auto second = client.received_commands(server);
  REQUIRE(second.size() == 2);
  CHECK(status_code(second[1]) == "NetStream.Play.Failed");
}

TEST_CASE("server session sends media on its own chunk streams with the player's timestamps") {
  ServerSession server;
  ScriptedClient client;
  start_play(server, client, "cam1");
  server.accept_play(1);
  client.received(server);

  const auto video = shared_bytes(media_payload(10'000, 1));  // three chunks of at most 4096 bytes
  const auto audio = shared_bytes({0xAF, 0x01, 0x21, 0x10});
  const auto metadata =
      shared_bytes(amf0::encode_all(std::vector<amf0::Value>{"onMetaData", amf0::EcmaArray{}}));
  CHECK(server.write_media(1, MessageType::data_amf0, 0, metadata));
  CHECK(server.write_media(1, MessageType::video, 0, video));
  CHECK(server.write_media(1, MessageType::audio, 5, audio));
  CHECK(server.write_media(1, MessageType::video, 33, video));
  CHECK(server.write_media(1, MessageType::video, 20, video));  // time going back: type 0 again

  auto messages = client.received(server);
  REQUIRE(messages.size() == 5);
  CHECK(messages[0].chunk_stream_id == kDataChunkStream);
  CHECK(messages[0].payload == *metadata);
  CHECK(messages[1].chunk_stream_id == kVideoChunkStream);
  CHECK(messages[1].type() == MessageType::video);
  CHECK(messages[1].payload == *video);
  CHECK(messages[2].chunk_stream_id == kAudioChunkStream);
  CHECK(messages[2].timestamp == 5);
  CHECK(messages[2].payload == *audio);
  CHECK(messages[3].timestamp == 33);
  CHECK(messages[3].message_stream_id == 1);
  CHECK(messages[4].timestamp == 20);
  for (const auto& m : messages) CHECK(m.message_stream_id == 1);
}

TEST_CASE("server session writes a type-1 header for the next message on a media chunk stream") {
  ServerSession server;
  ScriptedClient client;
  start_play(server, client, "cam1");
  server.accept_play(1);
  client.received(server);
  server.write_media(1, MessageType::audio, 1000, shared_bytes({0xAF, 0x01, 0xAA}));
  server.write_media(1, MessageType::audio, 1023, shared_bytes({0xAF, 0x01, 0xBB, 0xCC}));
  const std::vector<uint8_t> expected = {
      // 5.3.1.2.1 type 0 on chunk stream 4: timestamp 1000, length 3, type 8, stream 1 (LE)
      0x04, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x03, 0x08, 0x01, 0x00, 0x00, 0x00, 0xAF, 0x01, 0xAA,
      // 5.3.1.2.2 type 1: delta 23, length 4, type 8
      0x44, 0x00, 0x00, 0x17, 0x00, 0x00, 0x04, 0x08, 0xAF, 0x01, 0xBB, 0xCC};
  CHECK(server.take_output() == expected);
}

TEST_CASE("server session repeats an extended timestamp on every chunk of a media message") {
  ServerSession server;
  ScriptedClient client;
  start_play(server, client, "cam1");
  server.accept_play(1);
  client.received(server);
  const auto frame = shared_bytes(media_payload(5000, 3));
  server.write_media(1, MessageType::video, 0x01000000, frame);
  server.write_media(1, MessageType::video, 0x01000021, frame);
  auto messages = client.received(server);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].timestamp == 0x01000000);
  CHECK(messages[0].payload == *frame);
  CHECK(messages[1].timestamp == 0x01000021);
  CHECK(messages[1].payload == *frame);
}

TEST_CASE("server session hands media payloads out shared, not copied") {
  ServerSession server;
  ScriptedClient client;
  start_play(server, client, "cam1");
  server.accept_play(1);
  client.received(server);
  const auto frame = shared_bytes(media_payload(9000, 5));
  server.write_media(1, MessageType::video, 40, frame);
  size_t shared_bytes = 0;
  size_t total = 0;
  for (const OutputPart& part : server.take_output_parts()) {
    total += part.bytes.size();
    if (part.owner == frame) {
      CHECK(part.bytes.data() >= frame->data());
      CHECK(part.bytes.data() + part.bytes.size() <= frame->data() + frame->size());
      shared_bytes += part.bytes.size();
    }
  }
  CHECK(shared_bytes == 9000);
  CHECK(total == 9000 + 12 + 2);  // a type-0 header and two one-byte continuation headers
}

TEST_CASE("server session honours receiveVideo and receiveAudio") {
  ServerSession server;
  ScriptedClient client;
  start_play(server, client, "cam1");
  server.accept_play(1);
  client.received(server);
  client.command(server, 1, Command{"receiveVideo", 0, amf0::Null{}, {false}});
  CHECK_FALSE(server.write_media(1, MessageType::video, 0, shared_bytes({0x17, 0x01})));
  CHECK(server.write_media(1, MessageType::audio, 0, shared_bytes({0xAF, 0x01})));
  client.command(server, 1, Command{"receiveAudio", 0, amf0::Null{}, {false}});
  client.command(server, 1, Command{"receiveVideo", 0, amf0::Null{}, {true}});
  CHECK_FALSE(server.write_media(1, MessageType::audio, 10, shared_bytes({0xAF, 0x01})));
  CHECK(server.write_media(1, MessageType::video, 10, shared_bytes({0x17, 0x01})));
  auto messages = client.received(server);
  REQUIRE(messages.size() == 2);
  CHECK(messages[0].type() == MessageType::audio);
  CHECK(messages[1].type() == MessageType::video);
}

TEST_CASE("server session reports pause and unpause with their notifications") {
  ServerSession server;
  ScriptedClient client;
  start_play(server, client, "cam1");
  server.accept_play(1);
  client.received(server);
  client.command(server, 1, Command{"pause", 0, amf0::Null{}, {true, 1234.0}});
  auto paused = std::get<PauseRequested>(server.next_event().value());
  CHECK(paused.paused);
  client.command(server, 1, Command{"pause", 0, amf0::Null{}, {false, 1234.0}});
  CHECK_FALSE(std::get<PauseRequested>(server.next_event().value()).paused);
  auto replies = client.received_commands(server);
  REQUIRE(replies.size() == 2);
  CHECK(status_code(replies[0]) == "NetStream.Pause.Notify");
  CHECK(status_code(replies[1]) == "NetStream.Unpause.Notify");
}

TEST_CASE("server session tells a player that the publisher left and came back") {
  ServerSession server;
  ScriptedClient client;
  start_play(server, client, "cam1");
  server.accept_play(1);
  client.received(server);
  server.notify_unpublish(1);
  server.notify_publish(1);
  auto messages = client.received(server);
  REQUIRE(messages.size() == 4);
  CHECK(parse_user_control(messages[0].payload).value().event == UserControlEvent::stream_eof);
  CHECK(status_code(parse_command(messages[1]).value()) == "NetStream.Play.UnpublishNotify");
  CHECK(parse_user_control(messages[2].payload).value().event == UserControlEvent::stream_begin);
  CHECK(status_code(parse_command(messages[3]).value()) == "NetStream.Play.PublishNotify");
}

TEST_CASE("server session reports the end of a play on closeStream or deleteStream once") {
  for (const char* how : {"closeStream", "deleteStream"}) {
    ServerSession server;
    ScriptedClient client;
    start_play(server, client, "cam1");
    server.accept_play(1);
    if (std::string(how) == "closeStream") {
      client.command(server, 1, Command{"closeStream", 0, amf0::Null{}, {}});
    } else {
      client.command(server, 0, Command{"deleteStream", 0, amf0::Null{}, {1.0}});
    }
    client.command(server, 0, Command{"deleteStream", 0, amf0::Null{}, {1.0}});
    CHECK(std::get<PlayStopped>(server.next_event().value()).stream_id == 1);
    CHECK_FALSE(server.next_event());
    CHECK_FALSE(server.playing_stream());
  }
}

TEST_CASE("server session withdraws a play not answered yet on deleteStream") {
  ServerSession server;
  ScriptedClient client;
  start_play(server, client, "cam1");
  client.command(server, 0, Command{"deleteStream", 0, amf0::Null{}, {1.0}});
  CHECK(std::get<PlayStopped>(server.next_event().value()).stream_id == 1);
  CHECK_FALSE(server.pending_play());
  server.accept_play(1);  // too late: ignored
  CHECK_FALSE(server.playing_stream());
}

TEST_CASE("server session reads play's start and duration in milliseconds, as librtmp sends them") {
  ServerSession server;
  ScriptedClient client;
  client.handshake(server);
  client.command(server, 0, connect_command());
  server.next_event();
  client.command(server, 0, Command{"createStream", 2, amf0::Null{}, {}});
  client.command(server, 1, Command{"play", 3, amf0::Null{}, {"cam1", -1000.0, 10000.0, false}});
  auto play = std::get<PlayRequested>(server.next_event().value());
  CHECK(play.start == -1000.0);
  CHECK(play.duration == 10000.0);
  server.accept_play(1);
  client.received(server);

  server.complete_play(1);
  auto messages = client.received(server);
  REQUIRE(messages.size() == 2);
  CHECK(parse_user_control(messages[0].payload).value().event == UserControlEvent::stream_eof);
  CHECK(status_code(parse_command(messages[1]).value()) == "NetStream.Play.Stop");
  CHECK_FALSE(server.playing_stream());
}
