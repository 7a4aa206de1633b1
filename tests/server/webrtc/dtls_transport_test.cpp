// DtlsTransport against a real OpenSSL DTLS client, datagrams shuttled in memory.
#include "server/webrtc/dtls_transport.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "server/webrtc/srtp_profile.hpp"
#include "tests/server/webrtc/dtls_test_peer.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;
using namespace liverelay::webrtc::test;

namespace {

struct Server {
  DtlsCertificate certificate = make_certificate();
  DtlsContext context = *DtlsContext::create(certificate);
  std::unique_ptr<DtlsTransport> transport;

  explicit Server(DtlsTransportOptions options) {
    auto made = DtlsTransport::create(context, std::move(options));
    REQUIRE(made);
    transport = std::move(*made);
  }
};

DtlsTransportOptions trusting(const DtlsTestClient& client) {
  DtlsTransportOptions options;
  options.remote_fingerprints = {sha256_fingerprint(client.certificate().x509())};
  return options;
}

// Handshakes and checks that it worked.
void connect(DtlsTestClient& client, DtlsTransport& server) {
  const Exchange exchange = shuttle(client, server, client.start());
  REQUIRE(has_event(exchange.server_events, DtlsEvent::Type::connected));
  REQUIRE(client.connected());
}

}  // namespace

TEST_CASE("DTLS transport completes a handshake with an OpenSSL client and both derive the same SRTP keys") {
  DtlsTestClient client;
  Server server(trusting(client));
  CHECK(server.transport->state() == DtlsTransport::State::waiting);

  const Exchange exchange = shuttle(client, *server.transport, client.start());

  REQUIRE(exchange.server_events.size() == 1);
  CHECK(exchange.server_events[0].type == DtlsEvent::Type::connected);
  CHECK(server.transport->state() == DtlsTransport::State::connected);
  REQUIRE(client.connected());
  CHECK_FALSE(server.transport->next_timeout_ms().has_value());
  // The client saw the certificate whose fingerprint our SDP answer announces.
  CHECK(client.peer_fingerprint() == server.certificate.fingerprint_sha256());
  CHECK(exchange.largest_server_datagram <= 1200);

  const auto& material = server.transport->srtp_keying_material();
  REQUIRE(material.has_value());
  CHECK(material->profile == SrtpProfile::aead_aes_128_gcm);  // our preference, the client offers both
  CHECK(material->server.key.size() == 16);
  CHECK(material->server.salt.size() == 12);
  const auto client_view = split_keying_material(SrtpProfile::aead_aes_128_gcm, client.export_srtp_block(56));
  REQUIRE(client_view);
  CHECK(client_view->client.key == material->client.key);
  CHECK(client_view->client.salt == material->client.salt);
  CHECK(client_view->server.key == material->server.key);
  CHECK(client_view->server.salt == material->server.salt);
  CHECK(material->client.key != material->server.key);
  CHECK(SSL_get_selected_srtp_profile(client.ssl())->id == SRTP_AEAD_AES_128_GCM);
}

TEST_CASE("DTLS transport negotiates AES-CM-SHA1-80 with a client that offers only that profile") {
  DtlsTestClient client("SRTP_AES128_CM_SHA1_80");
  Server server(trusting(client));
  connect(client, *server.transport);

  const auto& material = server.transport->srtp_keying_material();
  REQUIRE(material.has_value());
  CHECK(material->profile == SrtpProfile::aes128_cm_sha1_80);
  CHECK(material->server.salt.size() == 14);
  const auto client_view =
      split_keying_material(SrtpProfile::aes128_cm_sha1_80, client.export_srtp_block(60));
  REQUIRE(client_view);
  CHECK(client_view->server.key == material->server.key);
  CHECK(client_view->server.salt == material->server.salt);
  CHECK(client_view->client.salt == material->client.salt);
}

TEST_CASE("DTLS transport fails the handshake when the client certificate does not match the offer") {
  DtlsTestClient client;
  DtlsTransportOptions options = trusting(client);
  options.remote_fingerprints[0].digest[0] ^= 0xff;
  Server server(std::move(options));

  const Exchange exchange = shuttle(client, *server.transport, client.start());

  CHECK_FALSE(has_event(exchange.server_events, DtlsEvent::Type::connected));
  REQUIRE(has_event(exchange.server_events, DtlsEvent::Type::failed));
  CHECK_THAT(exchange.server_events.back().reason, Catch::Contains("does not match the offer's fingerprint"));
  CHECK(server.transport->state() == DtlsTransport::State::failed);
  CHECK_FALSE(server.transport->srtp_keying_material().has_value());
  // The alert reached the client, which gave up too.
  CHECK(client.failed());
  CHECK_FALSE(client.connected());
  CHECK_FALSE(server.transport->send_application_data(std::vector<uint8_t>{1, 2, 3}));
}

TEST_CASE("DTLS transport fails the handshake when the offer had no fingerprint") {
  DtlsTestClient client;
  Server server(DtlsTransportOptions{});

  const Exchange exchange = shuttle(client, *server.transport, client.start());

  REQUIRE(has_event(exchange.server_events, DtlsEvent::Type::failed));
  CHECK_THAT(exchange.server_events.back().reason, Catch::Contains("no fingerprint"));
  CHECK_FALSE(client.connected());
}

TEST_CASE("DTLS transport carries application data both ways once connected") {
  DtlsTestClient client;
  Server server(trusting(client));
  connect(client, *server.transport);

  const std::vector<uint8_t> from_client = {0x13, 0x88, 0x13, 0x88, 0, 0, 0, 1, 0xaa, 0xbb};
  const Exchange inbound = shuttle(client, *server.transport, client.send(from_client));
  REQUIRE(inbound.server_events.size() == 1);
  CHECK(inbound.server_events[0].type == DtlsEvent::Type::application_data);
  CHECK(inbound.server_events[0].data == from_client);

  std::vector<uint8_t> from_server(1100);
  for (size_t i = 0; i < from_server.size(); ++i) from_server[i] = static_cast<uint8_t>(i * 7);
  const auto datagrams = server.transport->send_application_data(from_server);
  REQUIRE(datagrams);
  REQUIRE(datagrams->size() == 1);
  CHECK(datagrams->front().size() <= 1200);
  client.receive(datagrams->front());
  REQUIRE(client.received().size() == 1);
  CHECK(client.received()[0] == from_server);
}

TEST_CASE("DTLS transport refuses application data before the handshake and over one record") {
  DtlsTestClient client;
  Server server(trusting(client));
  const auto early = server.transport->send_application_data(std::vector<uint8_t>{1});
  REQUIRE_FALSE(early);
  CHECK(early.error().code == Errc::closed);

  connect(client, *server.transport);
  const auto too_big = server.transport->send_application_data(std::vector<uint8_t>(16385));
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().code == Errc::over_limit);
}

TEST_CASE("DTLS transport silently drops datagrams of garbage before and after the handshake") {
  DtlsTestClient client;
  Server server(trusting(client));
  // RFC 6347 4.1.2.7: invalid records are dropped, the association survives.
  Datagram noise(300);
  uint32_t state = 12345;
  for (uint8_t& byte : noise) {
    state = state * 1103515245 + 12345;
    byte = static_cast<uint8_t>(state >> 24);
  }
  noise[0] = 22;  // what the RFC 7983 demux hands to DTLS
  Datagram noise_with_version = noise;
  noise_with_version[1] = 0xfe;
  noise_with_version[2] = 0xfd;
  const Datagram truncated_header = {22, 0xfe, 0xfd, 0, 0};
  const Datagram length_past_end = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 1, 2};
  const Datagram forged_application_data = {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0, 4, 9, 9, 9, 9};
  const std::vector<Datagram> garbage = {noise, noise_with_version, truncated_header, length_past_end,
                                         forged_application_data};

  for (const Datagram& datagram : garbage) {
    const DtlsOutput out = server.transport->feed(datagram, 0);
    CHECK(out.datagrams.empty());
    CHECK(out.events.empty());
  }
  CHECK(server.transport->state() == DtlsTransport::State::waiting);

  connect(client, *server.transport);
  for (const Datagram& datagram : garbage) {
    const DtlsOutput out = server.transport->feed(datagram, 0);
    CHECK(out.datagrams.empty());
    CHECK(out.events.empty());
  }
  CHECK(server.transport->state() == DtlsTransport::State::connected);
  const Exchange after = shuttle(client, *server.transport, client.send({7, 7, 7}));
  REQUIRE(after.server_events.size() == 1);
  CHECK(after.server_events[0].data == std::vector<uint8_t>{7, 7, 7});
}

TEST_CASE("DTLS transport drops protected records too short for any key, before and during the handshake") {
  // OpenSSL 3.0.19 buffers such a record from the next epoch and, once there, answers it with
  // a fatal internal_error alert: one forged datagram would kill the association.
  const auto length = GENERATE(as<uint16_t>{}, 1, 16, 23);
  const auto moment =
      GENERATE(as<std::string>{}, "before the ClientHello", "with the client's second flight");
  INFO(moment << ", " << length << " bytes");
  Datagram forged = {23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0, static_cast<uint8_t>(length)};
  forged.resize(forged.size() + length, 9);
  DtlsTestClient client;
  Server server(trusting(client));

  std::vector<Datagram> to_server = client.start();
  if (moment == "before the ClientHello") {
    CHECK(server.transport->feed(forged, 0).events.empty());
  } else {
    // The ClientHello has been answered: the server has chosen AES-GCM, whose records carry
    // at least 24 bytes of nonce and tag.
    std::vector<Datagram> flight;
    for (const Datagram& datagram : to_server)
      for (auto& reply : server.transport->feed(datagram, 0).datagrams) flight.push_back(std::move(reply));
    to_server.clear();
    for (const Datagram& datagram : flight)
      for (auto& reply : client.receive(datagram)) to_server.push_back(std::move(reply));
    REQUIRE_FALSE(to_server.empty());
    to_server.insert(to_server.begin(), forged);
  }
  const Exchange exchange = shuttle(client, *server.transport, to_server);

  CHECK(exchange.server_events.size() == 1);
  REQUIRE(has_event(exchange.server_events, DtlsEvent::Type::connected));
  REQUIRE(client.connected());
  const Exchange after = shuttle(client, *server.transport, client.send({7, 7, 7}));
  REQUIRE(after.server_events.size() == 1);
  CHECK(after.server_events[0].data == std::vector<uint8_t>{7, 7, 7});
}

TEST_CASE("DTLS transport fails cleanly on a malformed handshake message and ignores what follows") {
  DtlsTestClient client;
  Server server(trusting(client));
  // A well-framed epoch-0 handshake record whose ClientHello header is cut short.
  const Datagram malformed = {22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5};

  const DtlsOutput out = server.transport->feed(malformed, 0);

  REQUIRE(out.events.size() == 1);
  CHECK(out.events[0].type == DtlsEvent::Type::failed);
  CHECK_THAT(out.events[0].reason, Catch::Contains("DTLS handshake failed"));
  REQUIRE(out.datagrams.size() == 1);
  CHECK(out.datagrams[0][0] == 21);  // the fatal alert for the peer
  CHECK(server.transport->state() == DtlsTransport::State::failed);
  const DtlsOutput later = server.transport->feed(client.start().at(0), 0);
  CHECK(later.datagrams.empty());
  CHECK(later.events.empty());
}

TEST_CASE("DTLS transport keeps every datagram within a small MTU by fragmenting its flight") {
  DtlsTestClient client;
  DtlsTransportOptions options = trusting(client);
  options.mtu = 300;
  Server server(std::move(options));

  const Exchange exchange = shuttle(client, *server.transport, client.start());

  REQUIRE(has_event(exchange.server_events, DtlsEvent::Type::connected));
  CHECK(client.connected());
  CHECK(exchange.largest_server_datagram <= 300);
  CHECK(exchange.server_datagrams >= 3);
}

TEST_CASE("DTLS transport retransmits a lost flight when its timer runs out") {
  DtlsTestClient client;
  DtlsTransportOptions options = trusting(client);
  options.initial_retransmit_ms = 40;
  Server server(std::move(options));
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto now_ms = [&start] {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
  };

  // The ClientHello arrives; the first datagram of the answering flight is lost.
  DtlsOutput flight = server.transport->feed(client.start().at(0), now_ms());
  REQUIRE(flight.datagrams.size() >= 1);
  CHECK(server.transport->state() == DtlsTransport::State::handshaking);
  for (size_t i = 1; i < flight.datagrams.size(); ++i) CHECK(client.receive(flight.datagrams[i]).empty());
  CHECK_FALSE(client.connected());

  // Nothing happens before the deadline; at the deadline the flight goes out again.
  const auto deadline = server.transport->next_timeout_ms();
  REQUIRE(deadline.has_value());
  CHECK(*deadline >= 30);
  CHECK(*deadline <= now_ms() + 40);
  CHECK(server.transport->handle_timeout(*deadline - 1).datagrams.empty());
  DtlsOutput retransmitted;
  while (retransmitted.datagrams.empty() && now_ms() < 1000) {
    const uint64_t due = server.transport->next_timeout_ms().value_or(now_ms());
    if (due > now_ms()) std::this_thread::sleep_for(std::chrono::milliseconds(due - now_ms()));
    retransmitted = server.transport->handle_timeout(now_ms());
  }
  REQUIRE_FALSE(retransmitted.datagrams.empty());
  CHECK(retransmitted.events.empty());

  std::vector<Datagram> to_server;
  for (const Datagram& datagram : retransmitted.datagrams) {
    for (auto& reply : client.receive(datagram)) to_server.push_back(std::move(reply));
  }
  const Exchange rest = shuttle(client, *server.transport, std::move(to_server), now_ms());
  CHECK(has_event(rest.server_events, DtlsEvent::Type::connected));
  CHECK(client.connected());
  CHECK_FALSE(server.transport->next_timeout_ms().has_value());
}

TEST_CASE("DTLS transport reports the peer's close_notify and ignores what follows") {
  DtlsTestClient client;
  Server server(trusting(client));
  connect(client, *server.transport);

  const Exchange exchange = shuttle(client, *server.transport, client.close());

  REQUIRE(exchange.server_events.size() == 1);
  CHECK(exchange.server_events[0].type == DtlsEvent::Type::closed);
  CHECK(server.transport->state() == DtlsTransport::State::closed);
  CHECK(server.transport->feed(Datagram{23, 0xfe, 0xfd, 0, 1}, 0).events.empty());
}

TEST_CASE("DTLS transport sends close_notify when closed") {
  DtlsTestClient client;
  Server server(trusting(client));
  connect(client, *server.transport);

  const std::vector<Datagram> datagrams = server.transport->close();

  REQUIRE(datagrams.size() == 1);
  client.receive(datagrams[0]);
  CHECK((SSL_get_shutdown(client.ssl()) & SSL_RECEIVED_SHUTDOWN) != 0);
  CHECK(server.transport->state() == DtlsTransport::State::closed);
}
