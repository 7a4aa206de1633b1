// Unit tests for RTMP command and data messages: what ffmpeg sends, what we send back.
#include "protocol/rtmp/command.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string_view>

#include "tests/protocol/rtmp/test_bytes.hpp"

using namespace liverelay;
using namespace liverelay::rtmp;
using amf0::Value;

namespace {

using liverelay::testing::put;
using liverelay::testing::put_number;
using liverelay::testing::put_string;
using liverelay::testing::put_utf8;

// A publishing connect laid out as ffmpeg's rtmpproto.c writes it (RTMP spec 7.2.1.1), with the
// flashVer FMLE itself sends; ffmpeg_connect_publish.bin is the real thing.
std::vector<uint8_t> connect_payload() {
  std::vector<uint8_t> out;
  put_string(out, "connect");
  put_number(out, 1);
  out.push_back(0x03);
  put_utf8(out, "app");
  put_string(out, "live");
  put_utf8(out, "type");
  put_string(out, "nonprivate");
  put_utf8(out, "flashVer");
  put_string(out, "FMLE/3.0 (compatible; FMSc/1.0)");
  put_utf8(out, "tcUrl");
  put_string(out, "rtmp://127.0.0.1:1935/live");
  put(out, {0x00, 0x00, 0x09});
  return out;
}

// A captured payload from tests/data/rtmp (see the README there for how each was made).
std::vector<uint8_t> fixture(std::string_view name) {
  const std::filesystem::path data = LIVERELAY_TEST_DATA_DIR;
  std::ifstream in(data / "rtmp" / name, std::ios::binary);
  INFO("fixture " << (data / "rtmp" / name).string());
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Message message_of(MessageType type, std::vector<uint8_t> payload) {
  Message message;
  message.chunk_stream_id = kCommandChunkStream;
  message.type_id = static_cast<uint8_t>(type);
  message.payload = std::move(payload);
  return message;
}

void check_is_ffmpeg_connect(const Command& command) {
  CHECK(command.name == "connect");
  CHECK(command.transaction_id == 1.0);
  REQUIRE(command.command_object.as_object() != nullptr);
  CHECK(command.command_object.as_object()->size() == 4);
  CHECK(*command.command_object.get("app")->as_string() == "live");
  CHECK(*command.command_object.get("type")->as_string() == "nonprivate");
  CHECK(*command.command_object.get("flashVer")->as_string() == "FMLE/3.0 (compatible; FMSc/1.0)");
  CHECK(*command.command_object.get("tcUrl")->as_string() == "rtmp://127.0.0.1:1935/live");
  CHECK(command.arguments.empty());
}

}  // namespace

TEST_CASE("parse_command reads the connect command ffmpeg sends") {
  const auto bytes = connect_payload();
  // Spot-check the hand-built vector against the spec layout: marker, u16 length, "connect".
  CHECK(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 4) ==
        std::vector<uint8_t>{0x02, 0x00, 0x07, 'c'});
  const auto command = parse_command(message_of(MessageType::command_amf0, bytes));
  REQUIRE(command.has_value());
  check_is_ffmpeg_connect(*command);
}

TEST_CASE("make_command encodes the connect command byte for byte as ffmpeg does") {
  Command connect{"connect",
                  1,
                  amf0::Object{{"app", "live"},
                               {"type", "nonprivate"},
                               {"flashVer", "FMLE/3.0 (compatible; FMSc/1.0)"},
                               {"tcUrl", "rtmp://127.0.0.1:1935/live"}},
                  {}};
  CHECK(make_command(0, connect).payload == connect_payload());
}

TEST_CASE("parse_command reads an AMF3 command (type 17) after its 0x00 format byte") {
  std::vector<uint8_t> payload{0x00};
  const auto connect = connect_payload();
  payload.insert(payload.end(), connect.begin(), connect.end());
  const auto command = parse_command(message_of(MessageType::command_amf3, payload));
  REQUIRE(command.has_value());
  check_is_ffmpeg_connect(*command);
}

TEST_CASE("parse_command reads AMF3 values switched to inside a type 17 command") {
  std::vector<uint8_t> payload{0x00};
  put_string(payload, "play");
  put_number(payload, 0);
  payload.push_back(0x05);
  put(payload, {0x11, 0x06, 0x09, 'c', 'a', 'm', '1'});  // AMF3 inline string "cam1"
  const auto command = parse_command(message_of(MessageType::command_amf3, payload));
  REQUIRE(command.has_value());
  CHECK(command->name == "play");
  REQUIRE(command->arguments.size() == 1);
  CHECK(command->arguments[0] == Value("cam1"));
}

TEST_CASE("parse_command rejects an empty type 17 command as truncated") {
  const auto command = parse_command(message_of(MessageType::command_amf3, {}));
  REQUIRE_FALSE(command.has_value());
  CHECK(command.error().code == Errc::truncated);
}

TEST_CASE("parse_command gives Null for a missing command object and 0 for a missing id") {
  std::vector<uint8_t> name_and_id;
  put_string(name_and_id, "FCUnpublish");
  put_number(name_and_id, 5);
  const auto without_object = parse_command(message_of(MessageType::command_amf0, name_and_id));
  REQUIRE(without_object.has_value());
  CHECK(without_object->transaction_id == 5.0);
  CHECK(without_object->command_object == Value(amf0::Null{}));
  CHECK(without_object->arguments.empty());

  std::vector<uint8_t> name_only;
  put_string(name_only, "onBWDone");
  const auto without_id = parse_command(message_of(MessageType::command_amf0, name_only));
  REQUIRE(without_id.has_value());
  CHECK(without_id->name == "onBWDone");
  CHECK(without_id->transaction_id == 0.0);
  CHECK(without_id->command_object.is_null_or_undefined());
}

TEST_CASE("parse_command keeps every value after the command object as arguments") {
  std::vector<uint8_t> payload;
  put_string(payload, "publish");
  put_number(payload, 5);
  payload.push_back(0x05);
  put_string(payload, "cam1");
  put_string(payload, "live");
  const auto command = parse_command(message_of(MessageType::command_amf0, payload));
  REQUIRE(command.has_value());
  CHECK(command->arguments == std::vector<Value>{"cam1", "live"});
}

TEST_CASE("parse_command rejects a body without a string name as malformed") {
  const auto empty = parse_command(message_of(MessageType::command_amf0, {}));
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().code == Errc::malformed);

  std::vector<uint8_t> number_first;
  put_number(number_first, 1);
  put_string(number_first, "connect");
  const auto result = parse_command(message_of(MessageType::command_amf0, number_first));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Errc::malformed);
  CHECK(result.error().message == "command name is not a string");
}

TEST_CASE("parse_command rejects a transaction id that is not a number as malformed") {
  std::vector<uint8_t> payload;
  put_string(payload, "connect");
  put_string(payload, "1");
  const auto result = parse_command(message_of(MessageType::command_amf0, payload));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Errc::malformed);
  CHECK(result.error().message == "command 'connect': transaction id is not a number");
}

TEST_CASE("parse_command reports a cut connect as truncated, with where it was cut") {
  auto payload = connect_payload();
  payload.resize(payload.size() - 5);  // inside the tcUrl string
  const auto result = parse_command(message_of(MessageType::command_amf0, payload));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Errc::truncated);
  CHECK(result.error().message.starts_with("AMF0 command: value 2: string of 26 bytes at offset"));
}

TEST_CASE("parse_command refuses messages that are not commands as unsupported") {
  const auto result = parse_command(message_of(MessageType::data_amf0, connect_payload()));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Errc::unsupported);
}

TEST_CASE("make_command puts an AMF0 command on chunk stream 3 at timestamp 0") {
  // The _result of createStream (RTMP spec 7.2.1.3): transaction 4, Null, stream id 1.
  const Message message = make_command(7, Command{"_result", 4, amf0::Null{}, {1}});
  CHECK(message.type() == MessageType::command_amf0);
  CHECK(message.chunk_stream_id == kCommandChunkStream);
  CHECK(message.message_stream_id == 7);
  CHECK(message.timestamp == 0);
  std::vector<uint8_t> expected;
  put_string(expected, "_result");
  put_number(expected, 4);
  expected.push_back(0x05);
  put_number(expected, 1);
  CHECK(message.payload == expected);
}

TEST_CASE("an onStatus command made by make_command parses back to the same command") {
  const Command on_status{"onStatus",
                          0,
                          amf0::Null{},
                          {amf0::Object{{"level", "status"},
                                        {"code", "NetStream.Publish.Start"},
                                        {"description", "cam1 is now published"}}}};
  const auto back = parse_command(make_command(1, on_status));
  REQUIRE(back.has_value());
  CHECK(back->name == on_status.name);
  CHECK(back->transaction_id == on_status.transaction_id);
  CHECK(back->command_object == on_status.command_object);
  CHECK(back->arguments == on_status.arguments);
}

TEST_CASE("parse_data reads the @setDataFrame onMetaData ECMA array ffmpeg sends") {
  std::vector<uint8_t> payload;
  put_string(payload, "@setDataFrame");
  put_string(payload, "onMetaData");
  put(payload, {0x08, 0x00, 0x00, 0x00, 0x05});
  put_utf8(payload, "width");
  put_number(payload, 1920);
  put_utf8(payload, "height");
  put_number(payload, 1080);
  put_utf8(payload, "videocodecid");
  put_number(payload, 7);
  put_utf8(payload, "stereo");
  put(payload, {0x01, 0x01});
  put_utf8(payload, "encoder");
  put_string(payload, "Lavf60.16.100");
  put(payload, {0x00, 0x00, 0x09});

  Message message = message_of(MessageType::data_amf0, payload);
  message.message_stream_id = 1;
  const auto values = parse_data(message);
  REQUIRE(values.has_value());
  REQUIRE(values->size() == 3);
  CHECK((*values)[0] == Value("@setDataFrame"));
  CHECK((*values)[1] == Value("onMetaData"));
  const Value& metadata = (*values)[2];
  CHECK(std::holds_alternative<amf0::EcmaArray>(metadata.v));
  CHECK(metadata.get("width")->as_number() == 1920.0);
  CHECK(metadata.get("height")->as_number() == 1080.0);
  CHECK(metadata.get("stereo")->as_bool() == true);
  CHECK(*metadata.get("encoder")->as_string() == "Lavf60.16.100");
}

TEST_CASE("make_data writes a type 18 message that parse_data reads back") {
  const std::vector<Value> values{
      "onMetaData", amf0::EcmaArray{{{"width", 1280}, {"height", 720}, {"stereo", true}}}};
  const Message message = make_data(1, values);
  CHECK(message.type() == MessageType::data_amf0);
  CHECK(message.chunk_stream_id == kDataChunkStream);
  CHECK(message.message_stream_id == 1);
  CHECK(message.timestamp == 0);
  const auto back = parse_data(message);
  REQUIRE(back.has_value());
  CHECK(*back == values);
}

TEST_CASE("parse_data reads an AMF3 data message (type 15) after its format byte") {
  std::vector<uint8_t> payload{0x00};
  put_string(payload, "onMetaData");
  put(payload, {0x11, 0x04, 0x1E});  // AMF3 integer 30
  const auto values = parse_data(message_of(MessageType::data_amf3, payload));
  REQUIRE(values.has_value());
  CHECK(*values == std::vector<Value>{"onMetaData", 30});
}

TEST_CASE("parse_data refuses messages that are not data messages as unsupported") {
  const auto result = parse_data(message_of(MessageType::command_amf0, connect_payload()));
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Errc::unsupported);
}

TEST_CASE("parse_command reads the connect ffmpeg 5.1 sent to publish, and re-encodes it exactly") {
  const auto captured = fixture("ffmpeg_connect_publish.bin");
  const auto command = parse_command(message_of(MessageType::command_amf0, captured));
  REQUIRE(command.has_value());
  CHECK(command->name == "connect");
  CHECK(command->transaction_id == 1.0);
  const Value& object = command->command_object;
  REQUIRE(object.as_object() != nullptr);
  CHECK(object.as_object()->size() == 4);
  CHECK(*object.get("app")->as_string() == "live");
  CHECK(*object.get("type")->as_string() == "nonprivate");
  CHECK(*object.get("flashVer")->as_string() == "FMLE/3.0 (compatible; Lavf59.27.100)");
  CHECK(*object.get("tcUrl")->as_string() == "rtmp://127.0.0.1:42179/live");
  CHECK(make_command(0, *command).payload == captured);
}

TEST_CASE("parse_command reads the connect ffmpeg 5.1 sent to play, with its codec masks") {
  const auto captured = fixture("ffmpeg_connect_play.bin");
  const auto command = parse_command(message_of(MessageType::command_amf0, captured));
  REQUIRE(command.has_value());
  const Value& object = command->command_object;
  CHECK(*object.get("app")->as_string() == "live");
  CHECK(*object.get("flashVer")->as_string() == "LNX 9,0,124,2");
  CHECK(*object.get("tcUrl")->as_string() == "rtmp://127.0.0.1:45089/live");
  CHECK(object.get("fpad")->as_bool() == false);
  CHECK(object.get("capabilities")->as_number() == 15.0);
  CHECK(object.get("audioCodecs")->as_number() == 4071.0);
  CHECK(object.get("videoCodecs")->as_number() == 252.0);
  CHECK(object.get("videoFunction")->as_number() == 1.0);
  CHECK(make_command(0, *command).payload == captured);
}

TEST_CASE("parse_command reads the publish ffmpeg 5.1 sent: stream name then type") {
  const auto captured = fixture("ffmpeg_publish.bin");
  const auto command = parse_command(message_of(MessageType::command_amf0, captured));
  REQUIRE(command.has_value());
  CHECK(command->name == "publish");
  CHECK(command->transaction_id == 5.0);
  CHECK(command->command_object == Value(amf0::Null{}));
  CHECK(command->arguments == std::vector<Value>{"cam1", "live"});
  CHECK(make_command(1, *command).payload == captured);
}

TEST_CASE("parse_data reads the onMetaData ffmpeg 5.1 sent for H.264 and AAC") {
  const auto captured = fixture("ffmpeg_setdataframe.bin");
  const auto values = parse_data(message_of(MessageType::data_amf0, captured));
  REQUIRE(values.has_value());
  REQUIRE(values->size() == 3);
  CHECK((*values)[0] == Value("@setDataFrame"));
  CHECK((*values)[1] == Value("onMetaData"));
  const Value& metadata = (*values)[2];
  REQUIRE(std::holds_alternative<amf0::EcmaArray>(metadata.v));
  CHECK(metadata.as_object()->size() == 13);
  CHECK(metadata.get("width")->as_number() == 320.0);
  CHECK(metadata.get("height")->as_number() == 240.0);
  CHECK(metadata.get("framerate")->as_number() == 25.0);
  CHECK(metadata.get("videocodecid")->as_number() == 7.0);   // AVC
  CHECK(metadata.get("audiocodecid")->as_number() == 10.0);  // AAC
  CHECK(metadata.get("audiosamplerate")->as_number() == 48000.0);
  CHECK(metadata.get("stereo")->as_bool() == false);
  CHECK(*metadata.get("encoder")->as_string() == "Lavf59.27.100");
  CHECK(make_data(1, *values).payload == captured);
}

TEST_CASE("parse_data on every prefix of captured metadata stops at a value or says truncated") {
  const auto captured = fixture("ffmpeg_setdataframe.bin");
  for (size_t length = 0; length < captured.size(); ++length) {
    INFO("prefix of " << length << " bytes");
    const auto values = parse_data(message_of(
        MessageType::data_amf0, std::vector<uint8_t>(captured.begin(), captured.begin() + length)));
    if (values.has_value()) {
      CHECK(values->size() < 3);  // the prefix ended between the two leading strings
    } else {
      CHECK(values.error().code == Errc::truncated);
    }
  }
}

TEST_CASE("metadata is found behind @setDataFrame and bare, and not in other data messages") {
  const std::vector<Value> framed{"@setDataFrame", "onMetaData", amf0::EcmaArray{{{"width", 640.0}}}};
  const std::vector<Value> bare{"onMetaData", amf0::EcmaArray{{{"width", 320.0}}}};
  const std::vector<Value> access{"|RtmpSampleAccess", false, false};
  const std::vector<Value> truncated{"@setDataFrame", "onMetaData"};
  REQUIRE(metadata_in(framed) != nullptr);
  CHECK(metadata_in(framed)->get("width")->as_number() == 640.0);
  REQUIRE(metadata_in(bare) != nullptr);
  CHECK(metadata_in(bare)->get("width")->as_number() == 320.0);
  CHECK(metadata_in(access) == nullptr);
  CHECK(metadata_in(truncated) == nullptr);
  CHECK(metadata_in({}) == nullptr);
}
