// Datagrams on the WebRTC UDP port: classified (STUN, DTLS, RTP/RTCP), and STUN parsed as a
// connectivity check would be: attributes, MESSAGE-INTEGRITY (HMAC-SHA1) and FINGERPRINT
// (CRC-32), then answered by the ICE-lite agent with success or an error response.
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/webrtc/ice_lite.hpp"
#include "protocol/webrtc/packet_demux.hpp"
#include "protocol/webrtc/stun_integrity.hpp"
#include "protocol/webrtc/stun_message.hpp"

using namespace liverelay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> datagram(data, size);
  (void)webrtc::classify_packet(datagram);
  auto message = webrtc::parse_stun_message(datagram);
  if (!message) return 0;
  (void)webrtc::verify_message_integrity(*message, "fuzzpassword0123456789");
  (void)webrtc::read_binding_request(*message);
  const webrtc::IceSessionCredentials credentials{
      .local_ufrag = "lrfz", .local_pwd = "fuzzpassword0123456789", .remote_ufrag = "brws"};
  auto reply = webrtc::answer_binding_request(*message, credentials,
                                              webrtc::TransportAddress::v4({127, 0, 0, 1}, 50000));
  // Whatever we answer must itself be a STUN message we can read back.
  if (reply && !reply->response.empty() && !webrtc::parse_stun_message(reply->response)) __builtin_trap();
  return 0;
}
