// An RTMP server session after a completed handshake: connect, createStream, publish, play,
// pause, deleteStream and the rest in any order, with the answers the server gives (publish
// and play accepted or refused by the input's first byte) and media written to a player.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>
#include <variant>
#include <vector>

#include "fuzz/fuzz_input.hpp"
#include "protocol/rtmp/server_session.hpp"

using namespace liverelay;

namespace {

// C0 C1, then S1 echoed as C2 (a plain handshake): the fuzzer's bytes all go to the chunk stream.
bool complete_handshake(rtmp::ServerSession& session) {
  std::vector<uint8_t> c0c1(1 + rtmp::kHandshakeSize, 0);
  c0c1[0] = 3;
  if (!session.feed(c0c1)) return false;
  const std::vector<uint8_t> s0s1s2 = session.take_output();
  if (s0s1s2.size() != 1 + 2 * rtmp::kHandshakeSize) return false;
  const std::span<const uint8_t> s1(s0s1s2.data() + 1, rtmp::kHandshakeSize);
  return session.feed(s1).has_value() && session.handshake_done();
}

void answer_events(rtmp::ServerSession& session, bool accept) {
  const auto frame = std::make_shared<const std::vector<uint8_t>>(std::vector<uint8_t>{0x17, 1, 0, 0, 0, 0x65});
  while (auto event = session.next_event()) {
    std::visit(
        [&](const auto& e) {
          using Event = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<Event, rtmp::PublishRequested>) {
            if (accept) session.accept_publish(e.stream_id);
            else session.reject_publish(e.stream_id, "NetStream.Publish.BadName", "taken");
          } else if constexpr (std::is_same_v<Event, rtmp::PlayRequested>) {
            if (!accept) return session.reject_play(e.stream_id, "NetStream.Play.StreamNotFound", "none");
            session.accept_play(e.stream_id);
            session.write_media(e.stream_id, rtmp::MessageType::video, 40, frame);
            session.notify_unpublish(e.stream_id);
          }
        },
        *event);
  }
  (void)session.take_output_parts();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const bool accept = (data[0] & 0x80) == 0;
  rtmp::ServerSession session({.limits = {.max_message_size = 64 * 1024, .max_chunk_streams = 8,
                                          .max_queued_messages = 16}});
  if (!complete_handshake(session)) __builtin_trap();  // our own handshake must always pass
  (void)session.take_output();
  fuzz::feed_in_pieces({data + 1, size - 1}, [&](std::span<const uint8_t> piece) {
    if (!session.feed(piece)) return false;
    answer_events(session, accept);
    return true;
  });
  return 0;
}
