// DtlsIdentity and DtlsClient: OpenSSL 3 driven through memory BIOs.
#include "dtls_client.hpp"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/srtp.h>
#include <openssl/x509.h>

#include <array>

namespace whep_load {
namespace {

using liverelay::Errc;
using liverelay::fail;

// A browser's offer (Chromium: GCM first); the server picks by its own preference.
constexpr const char* kSrtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";
// What goes out in one datagram: a browser's value, well under loopback's MTU.
constexpr long kMtu = 1200;

std::string openssl_errors(std::string_view what) {
  std::string text(what);
  while (unsigned long code = ERR_get_error()) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    text += std::string(": ") + buffer.data();
  }
  return text;
}

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};

// Self-signed, CN=whep_load, 30 days: what a browser makes for each RTCPeerConnection.
bool sign_certificate(X509* certificate, EVP_PKEY* key) {
  X509_NAME* name = X509_get_subject_name(certificate);
  const auto* common_name = reinterpret_cast<const unsigned char*>("whep_load");
  return ASN1_INTEGER_set_int64(X509_get_serialNumber(certificate), static_cast<int64_t>(time(nullptr))) ==
             1 &&
         X509_set_version(certificate, X509_VERSION_3) == 1 &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, common_name, -1, -1, 0) == 1 &&
         X509_set_issuer_name(certificate, name) == 1 &&
         X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nullptr &&
         X509_gmtime_adj(X509_getm_notAfter(certificate), 30L * 24 * 3600) != nullptr &&
         X509_set_pubkey(certificate, key) == 1 && X509_sign(certificate, key, EVP_sha256()) != 0;
}

// The server's certificate is self-signed too: the fingerprint check after the handshake is
// what authenticates it (RFC 8827 6.5), so chain verification accepts anything here.
int accept_any_certificate(int, X509_STORE_CTX*) {
  return 1;
}

}  // namespace

std::string sha256_fingerprint(X509* certificate) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (X509_digest(certificate, EVP_sha256(), digest.data(), &length) != 1) return {};
  std::string text;
  for (unsigned int i = 0; i < length; ++i) text += fmt::format("{}{:02X}", i == 0 ? "" : ":", digest[i]);
  return text;
}

liverelay::Result<DtlsIdentity> DtlsIdentity::generate() {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  std::unique_ptr<X509, X509Free> certificate(X509_new());
  if (!key || !certificate || !sign_certificate(certificate.get(), key.get()))
    return fail(Errc::io, openssl_errors("self-signed P-256 certificate"));
  DtlsIdentity identity;
  identity.context_.reset(SSL_CTX_new(DTLS_client_method()));
  SSL_CTX* ctx = identity.context_.get();
  if (ctx == nullptr || SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_use_certificate(ctx, certificate.get()) != 1 || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 ||
      SSL_CTX_set_tlsext_use_srtp(ctx, kSrtpProfiles) != 0) {  // 0 is success for this one
    return fail(Errc::io, openssl_errors("DTLS client context"));
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any_certificate);
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET);
  identity.fingerprint_ = sha256_fingerprint(certificate.get());
  return identity;
}

liverelay::Result<DtlsClient> DtlsClient::create(const DtlsIdentity& identity,
                                                 std::string server_fingerprint) {
  DtlsClient client;
  client.ssl_.reset(SSL_new(identity.context()));
  client.incoming_ = BIO_new(BIO_s_mem());
  client.outgoing_ = BIO_new(BIO_s_mem());
  if (!client.ssl_ || client.incoming_ == nullptr || client.outgoing_ == nullptr) {
    BIO_free(client.incoming_);
    BIO_free(client.outgoing_);
    return fail(Errc::io, openssl_errors("DTLS client"));
  }
  BIO_set_mem_eof_return(client.incoming_, -1);  // empty means "wait", not end of stream
  SSL_set_bio(client.ssl_.get(), client.incoming_, client.outgoing_);
  SSL_set_connect_state(client.ssl_.get());
  SSL_set_mtu(client.ssl_.get(), kMtu);
  DTLS_set_link_mtu(client.ssl_.get(), kMtu);
  client.server_fingerprint_ = std::move(server_fingerprint);
  return client;
}

DtlsStep DtlsClient::start() {
  return advance();
}

DtlsStep DtlsClient::feed(std::span<const uint8_t> datagram) {
  BIO_write(incoming_, datagram.data(), static_cast<int>(datagram.size()));
  if (!connected_) return advance();
  // After the handshake only alerts come (no data channel was offered): read to see them.
  DtlsStep step;
  std::array<uint8_t, 2048> sink{};
  const int read = SSL_read(ssl_.get(), sink.data(), static_cast<int>(sink.size()));
  const int error = read > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), read);
  if (error == SSL_ERROR_ZERO_RETURN) step.failure = "the server closed DTLS (close_notify)";
  if (error == SSL_ERROR_SSL || error == SSL_ERROR_SYSCALL) step.failure = openssl_errors("DTLS read");
  take_output(step);
  return step;
}

DtlsStep DtlsClient::on_timer() {
  DtlsStep step;
  if (connected_) return step;
  if (DTLSv1_handle_timeout(ssl_.get()) < 0) step.failure = openssl_errors("DTLS: out of retransmissions");
  take_output(step);
  return step;
}

std::optional<int64_t> DtlsClient::timeout_ms() const {
  timeval left{};
  if (connected_ || DTLSv1_get_timeout(ssl_.get(), &left) != 1) return std::nullopt;
  return int64_t{left.tv_sec} * 1000 + left.tv_usec / 1000;
}

DtlsStep DtlsClient::advance() {
  ERR_clear_error();
  const int done = SSL_do_handshake(ssl_.get());
  if (done == 1) return finish_handshake();
  DtlsStep step;
  const int error = SSL_get_error(ssl_.get(), done);
  if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE)
    step.failure = openssl_errors("DTLS handshake");
  take_output(step);
  return step;
}

DtlsStep DtlsClient::finish_handshake() {
  DtlsStep step;
  take_output(step);  // the last flight (Finished) may still be in the BIO
  X509* peer = SSL_get1_peer_certificate(ssl_.get());
  const std::string seen = peer != nullptr ? sha256_fingerprint(peer) : std::string();
  X509_free(peer);
  if (seen.empty() ||
      !std::equal(seen.begin(), seen.end(), server_fingerprint_.begin(), server_fingerprint_.end(),
                  [](char a, char b) { return std::toupper(a) == std::toupper(b); })) {
    step.failure = "DTLS: the server's certificate " + seen + " is not the answer's fingerprint";
    return step;
  }
  const SRTP_PROTECTION_PROFILE* profile = SSL_get_selected_srtp_profile(ssl_.get());
  if (profile == nullptr) {
    step.failure = "DTLS: no SRTP profile negotiated";
    return step;
  }
  srtp_profile_ = profile->name;
  cipher_ = SSL_get_cipher_name(ssl_.get());
  connected_ = true;
  step.connected = true;
  return step;
}

void DtlsClient::take_output(DtlsStep& step) {
  // Records of one flight go out in one datagram (RFC 6347 4.1.1 allows several per datagram).
  const int pending = BIO_ctrl_pending(outgoing_);
  if (pending <= 0) return;
  step.datagram.resize(static_cast<size_t>(pending));
  const int read = BIO_read(outgoing_, step.datagram.data(), pending);
  step.datagram.resize(read > 0 ? static_cast<size_t>(read) : 0);
}

}  // namespace whep_load
