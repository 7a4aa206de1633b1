// The viewer's DTLS 1.2 client (RFC 6347) over memory BIOs, as a browser runs it facing an
// a=setup:passive answer (RFC 8842 5.2): one self-signed ECDSA P-256 identity shared by every
// viewer, use_srtp offered (RFC 5764 4.1.1), the server's certificate checked against the
// answer's a=fingerprint (RFC 8122 5). Datagrams in, datagrams out; no sockets here.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/core/error.hpp"

namespace whep_load {

// "AB:CD:..." (RFC 8122 5: upper-case hex pairs) of the SHA-256 of a DER certificate.
std::string sha256_fingerprint(X509* certificate);

// The shared SSL_CTX with its certificate: made once at start.
class DtlsIdentity {
 public:
  static liverelay::Result<DtlsIdentity> generate();
  [[nodiscard]] SSL_CTX* context() const { return context_.get(); }
  [[nodiscard]] const std::string& fingerprint() const { return fingerprint_; }

 private:
  struct ContextFree {
    void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
  };
  std::unique_ptr<SSL_CTX, ContextFree> context_;
  std::string fingerprint_;
};

struct DtlsStep {
  std::vector<uint8_t> datagram;  // what to send now; empty: nothing
  bool connected = false;         // the handshake finished in this step
  std::string failure;            // non-empty: the connection is dead, and why
};

class DtlsClient {
 public:
  // `server_fingerprint`: the answer's sha-256 value, compared once the handshake finishes.
  static liverelay::Result<DtlsClient> create(const DtlsIdentity& identity, std::string server_fingerprint);

  DtlsStep start();                                  // the ClientHello
  DtlsStep feed(std::span<const uint8_t> datagram);  // a DTLS datagram from the server
  DtlsStep on_timer();                               // retransmits a lost flight when it is due
  // Milliseconds until on_timer() has work; empty when no retransmission is armed.
  [[nodiscard]] std::optional<int64_t> timeout_ms() const;

  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] const std::string& srtp_profile() const { return srtp_profile_; }
  [[nodiscard]] const std::string& cipher() const { return cipher_; }

 private:
  struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };
  DtlsClient() = default;
  DtlsStep advance();
  DtlsStep finish_handshake();
  void take_output(DtlsStep& step);

  std::unique_ptr<SSL, SslFree> ssl_;
  BIO* incoming_ = nullptr;  // owned by ssl_
  BIO* outgoing_ = nullptr;  // owned by ssl_
  std::string server_fingerprint_;
  std::string srtp_profile_;
  std::string cipher_;
  bool connected_ = false;
};

}  // namespace whep_load
