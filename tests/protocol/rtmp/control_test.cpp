// Protocol control (RTMP spec 5.4) and user control (6.2, 7.1.7) builders and parsers.
#include "protocol/rtmp/control.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

#include "protocol/rtmp/chunk_reader.hpp"
#include "protocol/rtmp/chunk_writer.hpp"

namespace {

using namespace liverelay::rtmp;
using liverelay::Errc;
using Bytes = std::vector<uint8_t>;

void check_control_envelope(const Message& m, MessageType type) {
  CHECK(m.chunk_stream_id == kControlChunkStream);
  CHECK(m.message_stream_id == 0);
  CHECK(m.timestamp == 0);
  CHECK(m.type() == type);
}

}  // namespace

TEST_CASE("4-byte control messages carry a big-endian value on chunk stream 2, stream 0") {
  const Message set = make_set_chunk_size(4096);
  check_control_envelope(set, MessageType::set_chunk_size);
  CHECK(set.payload == Bytes{0x00, 0x00, 0x10, 0x00});

  const Message abort = make_abort(6);
  check_control_envelope(abort, MessageType::abort);
  CHECK(abort.payload == Bytes{0x00, 0x00, 0x00, 0x06});

  const Message ack = make_acknowledgement(0x89ABCDEF);
  check_control_envelope(ack, MessageType::acknowledgement);
  CHECK(ack.payload == Bytes{0x89, 0xAB, 0xCD, 0xEF});

  const Message window = make_window_ack_size(2500000);
  check_control_envelope(window, MessageType::window_ack_size);
  CHECK(window.payload == Bytes{0x00, 0x26, 0x25, 0xA0});
}

TEST_CASE("set peer bandwidth carries the window size then the limit type") {
  const Message m = make_set_peer_bandwidth(2500000, PeerBandwidthLimit::dynamic);
  check_control_envelope(m, MessageType::set_peer_bandwidth);
  CHECK(m.payload == Bytes{0x00, 0x26, 0x25, 0xA0, 0x02});
  CHECK(parse_u32_control(m.payload).value() == 2500000);
}

TEST_CASE("set chunk size refuses 0 and sizes with the top bit set") {
  CHECK_THROWS_AS(make_set_chunk_size(0), std::invalid_argument);
  CHECK_THROWS_AS(make_set_chunk_size(0x80000000), std::invalid_argument);
  CHECK(make_set_chunk_size(0x7FFFFFFF).payload == Bytes{0x7F, 0xFF, 0xFF, 0xFF});
}

TEST_CASE("parse_u32_control reads all 32 bits and needs 4 bytes") {
  CHECK(parse_u32_control(Bytes{0xFF, 0xFF, 0xFF, 0xFE}).value() == 0xFFFFFFFE);
  auto short_payload = parse_u32_control(Bytes{0x00, 0x10, 0x00});
  REQUIRE_FALSE(short_payload);
  CHECK(short_payload.error().code == Errc::malformed);
  CHECK(short_payload.error().message == "control message of 3 bytes, expected 4");
}

TEST_CASE("user control messages are an event type then its data") {
  const Message begin = make_user_control({UserControlEvent::stream_begin, 1});
  check_control_envelope(begin, MessageType::user_control);
  CHECK(begin.payload == Bytes{0x00, 0x00, 0x00, 0x00, 0x00, 0x01});
  // 7.1.7: SetBuffer Length has two values, the stream id and the buffer length in ms.
  CHECK(make_user_control({UserControlEvent::set_buffer_length, 1, 3000}).payload ==
        Bytes{0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x0B, 0xB8});
  CHECK(make_user_control({UserControlEvent::ping_request, 0x00010203}).payload ==
        Bytes{0x00, 0x06, 0x00, 0x01, 0x02, 0x03});
  CHECK(make_user_control({UserControlEvent::ping_response, 0x00010203}).payload ==
        Bytes{0x00, 0x07, 0x00, 0x01, 0x02, 0x03});
}

TEST_CASE("every user control event parses back to what was built") {
  const UserControlEvent event =
      GENERATE(UserControlEvent::stream_begin, UserControlEvent::stream_eof, UserControlEvent::stream_dry,
               UserControlEvent::set_buffer_length, UserControlEvent::stream_is_recorded,
               UserControlEvent::ping_request, UserControlEvent::ping_response);
  const uint32_t extra = event == UserControlEvent::set_buffer_length ? 1500 : 0;
  const Message m = make_user_control({event, 0xA1B2C3D4, extra});
  auto parsed = parse_user_control(m.payload);
  REQUIRE(parsed);
  CHECK(parsed->event == event);
  CHECK(parsed->value == 0xA1B2C3D4);
  CHECK(parsed->extra == extra);
}

TEST_CASE("user control payloads shorter than their event needs are malformed") {
  SECTION("no event type") {
    auto parsed = parse_user_control(Bytes{0x00});
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == Errc::malformed);
  }
  SECTION("set buffer length with only the stream id") {
    auto parsed = parse_user_control(Bytes{0x00, 0x03, 0x00, 0x00, 0x00, 0x01});
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == Errc::malformed);
    CHECK(parsed.error().message == "user control event 3 with 4 bytes of data, expected 8");
  }
}

TEST_CASE("unknown user control events are unsupported, not malformed") {
  // FMS sends BufferEmpty (31) and BufferReady (32); a caller may ignore them.
  auto parsed = parse_user_control(Bytes{0x00, 0x1F, 0x00, 0x00, 0x00, 0x01});
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == Errc::unsupported);
  CHECK(parsed.error().message == "user control event 31");
}

TEST_CASE("a set chunk size written by ChunkWriter changes how ChunkReader reads what follows") {
  ChunkWriter writer;
  Bytes wire;
  writer.write(make_set_chunk_size(4096), wire);
  writer.set_chunk_size(4096);
  writer.write(Message{kVideoChunkStream, 9, 1, 40, Bytes(3000, 0x5A)}, wire);
  writer.write(make_user_control({UserControlEvent::stream_begin, 1}), wire);

  ChunkReader reader;
  REQUIRE(reader.feed(wire));
  CHECK(reader.chunk_size() == 4096);
  auto set = reader.next();
  REQUIRE(set);
  CHECK(set->type() == MessageType::set_chunk_size);
  auto video = reader.next();
  REQUIRE(video);
  CHECK(video->payload == Bytes(3000, 0x5A));
  auto control = reader.next();
  REQUIRE(control);
  CHECK(parse_user_control(control->payload)->event == UserControlEvent::stream_begin);
}
