// The server's DTLS certificate: a self-signed ECDSA P-256 one made at start, or one loaded
// from PEM files, with the fingerprint SDP answers announce (RFC 8122 5).
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::webrtc {

class DtlsCertificate {
 public:
  // A fresh P-256 key and a certificate for it: CN "liverelay", a random 64-bit serial,
  // valid for 30 days from now, signed with its own key (ECDSA with SHA-256).
  static Result<DtlsCertificate> generate();
  // A certificate and its private key in PEM; Errc::malformed when either does not parse or
  // the key is not the certificate's.
  static Result<DtlsCertificate> from_pem(std::string_view certificate_pem, std::string_view key_pem);
  // The same, read from files (Errc::io when a file cannot be read).
  static Result<DtlsCertificate> load_pem_files(const std::string& certificate_path,
                                                const std::string& key_path);

  // "AB:CD:...:EF": the SHA-256 of the DER certificate, as a=fingerprint:sha-256 wants it.
  [[nodiscard]] const std::string& fingerprint_sha256() const { return fingerprint_sha256_; }
  [[nodiscard]] X509* x509() const { return certificate_.get(); }
  [[nodiscard]] EVP_PKEY* private_key() const { return key_.get(); }

 private:
  struct X509Free {
    void operator()(X509* certificate) const;
  };
  struct KeyFree {
    void operator()(EVP_PKEY* key) const;
  };

  DtlsCertificate(X509* certificate, EVP_PKEY* key);

  std::unique_ptr<X509, X509Free> certificate_;
  std::unique_ptr<EVP_PKEY, KeyFree> key_;
  std::string fingerprint_sha256_;
};

// The digest of a certificate's DER encoding with an SDP hash function name ("sha-256",
// "sha-1", "sha-384", "sha-512"; RFC 8122 5, case-insensitive). Errc::unsupported for others.
Result<std::vector<uint8_t>> certificate_digest(X509* certificate, std::string_view algorithm);

// Upper-case hex pairs joined by colons: {0xab, 0x01} -> "AB:01".
std::string format_fingerprint(std::span<const uint8_t> digest);

// "what: <the pending OpenSSL errors of this thread, joined by "; ">", or just `what` when
// there are none. Clears the queue.
std::string take_openssl_errors(std::string_view what);

}  // namespace liverelay::webrtc
