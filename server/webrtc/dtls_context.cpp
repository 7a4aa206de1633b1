// Configures the shared SSL_CTX for WebRTC DTLS (RFC 8827 6.5, RFC 5764).
#include "server/webrtc/dtls_context.hpp"

#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>

namespace liverelay::webrtc {

namespace {

// What Chromium and Firefox offer over DTLS 1.2; the RSA suites serve a loaded RSA certificate.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA";
constexpr const char* kGroups = "X25519:P-256:P-384";
// Our preference first: OpenSSL's server picks the first of ours the client offers.
constexpr const char* kSrtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

}  // namespace

void DtlsContext::ContextFree::operator()(SSL_CTX* context) const {
  SSL_CTX_free(context);
}

Result<DtlsContext> DtlsContext::create(const DtlsCertificate& certificate) {
  ERR_clear_error();
  DtlsContext context(SSL_CTX_new(DTLS_method()));
  SSL_CTX* ctx = context.get();
  if (ctx == nullptr) return fail(Errc::io, take_openssl_errors("DTLS context: SSL_CTX_new"));
  auto refused = [](const char* what) {
    return fail(Errc::io, take_openssl_errors(std::string("DTLS context: ") + what));
  };
  if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1) {
    return refused("DTLS 1.2");
  }
  if (SSL_CTX_use_certificate(ctx, certificate.x509()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, certificate.private_key()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    return refused("certificate");
  }
  if (SSL_CTX_set_cipher_list(ctx, kCipherList) != 1) return refused("cipher list");
  if (SSL_CTX_set1_groups_list(ctx, kGroups) != 1) return refused("groups");
  // Unlike its neighbours, SSL_CTX_set_tlsext_use_srtp returns 0 on success.
  if (SSL_CTX_set_tlsext_use_srtp(ctx, kSrtpProfiles) != 0) return refused("use_srtp profiles");
  // Every session is new (a fresh browser certificate each time): no resumption, no tickets.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_NO_RENEGOTIATION);
  return context;
}

}  // namespace liverelay::webrtc
