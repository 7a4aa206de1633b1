// The RTMP chunk stream after the handshake: chunk headers of every format, chunk sizes, control
// messages, then the AMF0 bodies of commands and data messages, with small limits so the
// fuzzer reaches the limit checks too.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/fuzz_input.hpp"
#include "protocol/rtmp/amf0.hpp"
#include "protocol/rtmp/chunk_reader.hpp"
#include "protocol/rtmp/command.hpp"

using namespace liverelay;

namespace {

// What the decoder accepted, our encoder writes and the decoder reads back: onMetaData is
// forwarded to RTMP players and relays re-encoded.
void check_round_trip(const std::vector<amf0::Value>& values) {
  std::vector<uint8_t> encoded;
  for (const amf0::Value& value : values) amf0::encode(value, encoded);
  if (!amf0::decode_all(encoded)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rtmp::ChunkReader reader(rtmp::ChunkReaderLimits{
      .max_message_size = 64 * 1024, .max_chunk_streams = 8, .max_queued_messages = 16});
  fuzz::feed_in_pieces({data, size}, [&](std::span<const uint8_t> piece) {
    if (!reader.feed(piece)) return false;
    while (auto message = reader.next()) {
      switch (message->type()) {
        case rtmp::MessageType::command_amf0:
        case rtmp::MessageType::command_amf3:
          (void)rtmp::parse_command(*message);
          break;
        case rtmp::MessageType::data_amf0:
          if (auto values = amf0::decode_all(message->payload)) check_round_trip(*values);
          break;
        default:
          break;
      }
    }
    return true;
  });
  return 0;
}
