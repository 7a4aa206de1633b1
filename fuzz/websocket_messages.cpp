// What a WebSocket viewer sends a room: masked frames in pieces of any size (fragments, control
// frames between them, lengths in every encoding, close payloads), then each text message as a
// room message (hello, comment, reaction, delete, ban, auth) with its JSON and UTF-8 rules.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz/fuzz_input.hpp"
#include "protocol/room/client_message.hpp"
#include "protocol/websocket/frame_parser.hpp"

using namespace liverelay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  websocket::FrameParser parser;  // the room's limit: 4 KiB messages
  std::vector<websocket::Message> messages;
  fuzz::feed_in_pieces({data, size}, [&](std::span<const uint8_t> piece) {
    const bool fed = parser.feed(piece, messages).has_value();
    for (const websocket::Message& message : messages) {
      if (message.opcode == websocket::Opcode::text) (void)room::parse_client_message(message.payload);
      if (message.opcode == websocket::Opcode::close) (void)websocket::parse_close_payload(message.payload);
    }
    messages.clear();
    if (!fed && parser.close_code() != websocket::kCloseProtocolError &&
        parser.close_code() != websocket::kCloseMessageTooBig) {
      __builtin_trap();  // every refusal names the close code to answer with
    }
    return fed;
  });
  return 0;
}
