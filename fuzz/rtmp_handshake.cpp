// The RTMP handshake both ways: what a publisher sends a server (C0 C1 C2) and what a server
// sends our relay and pull clients (S0 S1 S2), in pieces of any size.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz/fuzz_input.hpp"
#include "protocol/rtmp/handshake.hpp"

using namespace liverelay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);

  rtmp::ServerHandshake server(/*seed=*/1);
  fuzz::feed_in_pieces(input, [&](std::span<const uint8_t> piece) {
    auto used = server.feed(piece);  // takes all it can; what follows C2 is the chunk stream's
    (void)server.take_output();
    return used.has_value() && !server.done();
  });

  for (const bool digest : {false, true}) {
    rtmp::ClientHandshake client(/*seed=*/2, digest);
    (void)client.take_output();
    fuzz::feed_in_pieces(input, [&](std::span<const uint8_t> piece) {
      auto used = client.feed(piece);
      (void)client.take_output();
      return used.has_value() && !client.done();
    });
  }
  return 0;
}
