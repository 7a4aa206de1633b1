// DTLS-SRTP end to end: the keys one handshake exports drive SrtpSession and the browser's side.
#include <srtp2/srtp.h>

#include <catch2/catch.hpp>

#include "server/webrtc/srtp_session.hpp"
#include "tests/server/webrtc/dtls_test_peer.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

TEST_CASE("DTLS-SRTP keys from the handshake let the client read what the server protects") {
  DtlsTestClient client;
  const DtlsCertificate certificate = make_certificate();
  const auto context = DtlsContext::create(certificate);
  REQUIRE(context);
  DtlsTransportOptions options;
  options.remote_fingerprints = {sha256_fingerprint(client.certificate().x509())};
  auto server = DtlsTransport::create(*context, options);
  REQUIRE(server);
  shuttle(client, **server, client.start());
  REQUIRE(client.connected());
  const auto& material = (*server)->srtp_keying_material();
  REQUIRE(material.has_value());

  auto outbound = SrtpSession::outbound(material->profile, material->server);
  REQUIRE(outbound);
  const std::vector<uint8_t> rtp = {0x80, 0xe0, 0x00, 0x01, 0,    0,    0,   90,
                                    0xca, 0xfe, 0xba, 0xbe, 0x65, 0x88, 0x84};
  auto protected_packet = outbound->protect_rtp(rtp);
  REQUIRE(protected_packet);

  // The client's own view of the keys: server write key and salt from its export (RFC 5764 4.2).
  const auto client_view = split_keying_material(SrtpProfile::aead_aes_128_gcm, client.export_srtp_block(56));
  REQUIRE(client_view);
  std::vector<uint8_t> key_and_salt(client_view->server.key);
  key_and_salt.insert(key_and_salt.end(), client_view->server.salt.begin(), client_view->server.salt.end());
  REQUIRE(init_srtp_library());
  srtp_policy_t policy{};
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
  srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  policy.ssrc.type = ssrc_any_inbound;
  policy.key = key_and_salt.data();
  policy.window_size = 128;
  srtp_t browser = nullptr;
  REQUIRE(srtp_create(&browser, &policy) == srtp_err_status_ok);
  int length = static_cast<int>(protected_packet->size());
  const srtp_err_status_t status = srtp_unprotect(browser, protected_packet->data(), &length);
  srtp_dealloc(browser);
  REQUIRE(status == srtp_err_status_ok);
  protected_packet->resize(static_cast<size_t>(length));
  CHECK(*protected_packet == rtp);
}
