// SDP offers POSTed to /live/<name>/whep: the SDP grammar, then what the offer must carry
// (ICE credentials, DTLS fingerprints, BUNDLE, rtcp-mux, H.264 packetization-mode 1, Opus, the
// data channel), then the answer built from it.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input.hpp"
#include "protocol/webrtc/sdp.hpp"
#include "protocol/webrtc/whep_answer.hpp"
#include "protocol/webrtc/whep_offer.hpp"

using namespace liverelay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text({data, size});
  (void)webrtc::parse_sdp(text);
  auto offer = webrtc::read_whep_offer(text);
  if (!offer) return 0;
  const webrtc::WhepAnswerOptions options{
      .ice_ufrag = "lrfz",
      .ice_pwd = "fuzzpassword0123456789",
      .fingerprint_sha256 = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
      .candidates = {{"127.0.0.1", 8189}},
  };
  auto answer = webrtc::build_whep_answer(*offer, options);
  // The answer we send must be SDP we can parse ourselves.
  if (answer && !webrtc::parse_sdp(answer->sdp)) __builtin_trap();
  return 0;
}
