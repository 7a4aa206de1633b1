// The OpenSSL context every WebRTC DTLS session shares: our certificate, DTLS 1.2 only,
// browser cipher suites and the use_srtp profiles (RFC 5764 4.1.1).
#pragma once

#include <openssl/types.h>

#include <memory>

#include "protocol/core/error.hpp"
#include "server/webrtc/dtls_certificate.hpp"

namespace liverelay::webrtc {

class DtlsContext {
 public:
  // Errc::io when OpenSSL refuses a setting (it names which).
  static Result<DtlsContext> create(const DtlsCertificate& certificate);

  // Each SSL made from it holds its own reference, so sessions may outlive this object.
  [[nodiscard]] SSL_CTX* get() const { return context_.get(); }

 private:
  struct ContextFree {
    void operator()(SSL_CTX* context) const;
  };
  explicit DtlsContext(SSL_CTX* context) : context_(context) {}

  std::unique_ptr<SSL_CTX, ContextFree> context_;
};

}  // namespace liverelay::webrtc
