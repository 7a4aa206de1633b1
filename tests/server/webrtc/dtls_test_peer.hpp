// A browser-like DTLS 1.2 client made with plain OpenSSL (its own self-signed certificate,
// use_srtp, memory BIOs) for driving the server's DtlsTransport in tests.
#pragma once

#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/webrtc/dtls_certificate.hpp"
#include "server/webrtc/dtls_transport.hpp"

namespace liverelay::webrtc::test {

inline DtlsCertificate make_certificate() {
  auto certificate = DtlsCertificate::generate();
  if (!certificate) throw std::runtime_error(certificate.error().message);
  return std::move(*certificate);
}

// The fingerprint of `certificate` as the browser's offer would carry it.
inline DtlsFingerprint sha256_fingerprint(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(certificate, EVP_sha256(), digest, &length);
  return DtlsFingerprint{"sha-256", std::vector<uint8_t>(digest, digest + length)};
}

class DtlsTestClient {
 public:
  explicit DtlsTestClient(const char* srtp_profiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80")
      : certificate_(make_certificate()) {
    ctx_ = SSL_CTX_new(DTLS_client_method());
    SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION);
    SSL_CTX_use_certificate(ctx_, certificate_.x509());
    SSL_CTX_use_PrivateKey(ctx_, certificate_.private_key());
    // Like a browser: any certificate is fine here, the test compares its fingerprint after.
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
    if (SSL_CTX_set_tlsext_use_srtp(ctx_, srtp_profiles) != 0) throw std::runtime_error("use_srtp");
    ssl_ = SSL_new(ctx_);
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);  // empty means "wait for more", not end of stream
    SSL_set_bio(ssl_, in_, out_);
    SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
    SSL_set_mtu(ssl_, 1200);
    SSL_set_connect_state(ssl_);
  }
  ~DtlsTestClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
  }
  DtlsTestClient(const DtlsTestClient&) = delete;
  DtlsTestClient& operator=(const DtlsTestClient&) = delete;

  // Sends the ClientHello.
  std::vector<Datagram> start() {
    step();
    return take_datagrams();
  }

  std::vector<Datagram> receive(const Datagram& datagram) {
    BIO_write(in_, datagram.data(), static_cast<int>(datagram.size()));
    step();
    return take_datagrams();
  }

  std::vector<Datagram> send(const std::vector<uint8_t>& data) {
    SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    return take_datagrams();
  }

  std::vector<Datagram> close() {
    SSL_shutdown(ssl_);
    return take_datagrams();
  }

  [[nodiscard]] bool connected() const { return SSL_is_init_finished(ssl_) == 1; }
  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] const std::vector<std::vector<uint8_t>>& received() const { return received_; }
  [[nodiscard]] const DtlsCertificate& certificate() const { return certificate_; }
  [[nodiscard]] SSL* ssl() const { return ssl_; }

  // RFC 5764 4.2 keying material as this end sees it.
  std::vector<uint8_t> export_srtp_block(size_t length) const {
    std::vector<uint8_t> block(length);
    static constexpr char kLabel[] = "EXTRACTOR-dtls_srtp";
    SSL_export_keying_material(ssl_, block.data(), block.size(), kLabel, sizeof kLabel - 1, nullptr, 0, 0);
    return block;
  }

  // The server's certificate fingerprint, formatted here independently of the server code.
  std::string peer_fingerprint() const {
    X509* peer = SSL_get0_peer_certificate(ssl_);
    if (peer == nullptr) return {};
    std::string text;
    for (const uint8_t byte : sha256_fingerprint(peer).digest) {
      char pair[4];
      std::snprintf(pair, sizeof pair, "%02X", byte);
      if (!text.empty()) text += ':';
      text += pair;
    }
    return text;
  }

 private:
  void step() {
    if (failed_) return;
    if (!connected()) {
      const int result = SSL_do_handshake(ssl_);
      if (result != 1 && SSL_get_error(ssl_, result) != SSL_ERROR_WANT_READ) failed_ = true;
      if (!connected()) return;
    }
    for (;;) {
      uint8_t buffer[16384];
      const int read = SSL_read(ssl_, buffer, sizeof buffer);
      if (read > 0) {
        received_.emplace_back(buffer, buffer + read);
        continue;
      }
      const int error = SSL_get_error(ssl_, read);
      if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_ZERO_RETURN) failed_ = true;
      return;
    }
  }

  // A memory BIO merges what OpenSSL wrote into one blob: one datagram of several records.
  std::vector<Datagram> take_datagrams() {
    std::vector<Datagram> datagrams;
    const int pending = static_cast<int>(BIO_ctrl_pending(out_));
    if (pending > 0) {
      Datagram datagram(static_cast<size_t>(pending));
      BIO_read(out_, datagram.data(), pending);
      datagrams.push_back(std::move(datagram));
    }
    ERR_clear_error();
    return datagrams;
  }

  DtlsCertificate certificate_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
  bool failed_ = false;
  std::vector<std::vector<uint8_t>> received_;
};

// Everything one exchange produced on the server side.
struct Exchange {
  std::vector<DtlsEvent> server_events;
  size_t largest_server_datagram = 0;
  size_t server_datagrams = 0;
};

// Carries datagrams both ways, nothing lost, until both sides are quiet.
inline Exchange shuttle(DtlsTestClient& client, DtlsTransport& server, std::vector<Datagram> to_server,
                        uint64_t now_ms = 0) {
  Exchange exchange;
  for (int round = 0; round < 50 && !to_server.empty(); ++round) {
    std::vector<Datagram> to_client;
    for (const Datagram& datagram : to_server) {
      DtlsOutput out = server.feed(datagram, now_ms);
      for (auto& event : out.events) exchange.server_events.push_back(std::move(event));
      for (auto& reply : out.datagrams) {
        exchange.largest_server_datagram = std::max(exchange.largest_server_datagram, reply.size());
        ++exchange.server_datagrams;
        to_client.push_back(std::move(reply));
      }
    }
    to_server.clear();
    for (const Datagram& datagram : to_client) {
      for (auto& reply : client.receive(datagram)) to_server.push_back(std::move(reply));
    }
  }
  return exchange;
}

inline bool has_event(const std::vector<DtlsEvent>& events, DtlsEvent::Type type) {
  for (const DtlsEvent& event : events) {
    if (event.type == type) return true;
  }
  return false;
}

}  // namespace liverelay::webrtc::test
