// What arrives on a WHEP viewer's SCTP association: DCEP control messages (RFC 8832:
// DATA_CHANNEL_OPEN with its label and protocol lengths, ACK) and, on the "room" channel, room
// messages as UTF-8 strings. The input's first byte picks which.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "fuzz/fuzz_input.hpp"
#include "protocol/room/client_message.hpp"
#include "protocol/webrtc/dcep.hpp"

using namespace liverelay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> payload(data + 1, size - 1);
  if ((data[0] & 1) == 0) {
    auto message = webrtc::parse_dcep_message(payload);
    if (message) {
      if (const auto* open = std::get_if<webrtc::DataChannelOpen>(&*message)) {
        // What we parsed we build again, and that parses to the same open request.
        auto built = webrtc::build_data_channel_open(*open);
        if (!built) __builtin_trap();
        auto again = webrtc::parse_dcep_message(*built);
        if (!again || *again != *message) __builtin_trap();
      }
    }
  } else {
    (void)room::parse_client_message(fuzz::as_text(payload));
  }
  return 0;
}
