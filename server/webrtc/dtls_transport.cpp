// DTLS 1.2 server over a datagram BIO of our own, so that each record batch maps to the
// datagrams we send (OpenSSL's memory BIO would merge a flight into one oversized blob).
#include "server/webrtc/dtls_transport.hpp"

#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/time.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "protocol/webrtc/dtls_record.hpp"

namespace liverelay::webrtc {

namespace {

// RFC 5764 4.2.
constexpr char kSrtpExporterLabel[] = "EXTRACTOR-dtls_srtp";

std::optional<SrtpProfile> profile_from_id(unsigned long id) {
  switch (id) {
    case SRTP_AEAD_AES_128_GCM:
      return SrtpProfile::aead_aes_128_gcm;
    case SRTP_AES128_CM_SHA1_80:
      return SrtpProfile::aes128_cm_sha1_80;
    default:
      return std::nullopt;
  }
}

// The least a protected record of the chosen cipher suite can hold: AES-GCM's explicit nonce
// and tag; ChaCha20-Poly1305's tag; CBC's IV and one block of MAC and padding. Before a suite
// is chosen no peer can hold keys, so no protected record is genuine.
size_t min_protected_record_length(const SSL* ssl) {
  constexpr size_t kGcm = 8 + 16;
  constexpr size_t kChaCha = 16;
  constexpr size_t kCbc = 16 + 32;
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  if (cipher == nullptr) cipher = SSL_get_pending_cipher(ssl);
  if (cipher == nullptr) return std::numeric_limits<size_t>::max();
  switch (SSL_CIPHER_get_cipher_nid(cipher)) {
    case NID_aes_128_gcm:
    case NID_aes_256_gcm:
      return kGcm;
    case NID_chacha20_poly1305:
      return kChaCha;
    default:
      return kCbc;
  }
}

}  // namespace

// The C callbacks OpenSSL calls, each finding its DtlsTransport through the SSL or BIO.
struct DtlsGlue {
  static DtlsTransport* owner(BIO* bio) { return static_cast<DtlsTransport*>(BIO_get_data(bio)); }
  static DtlsTransport* owner(SSL* ssl) { return static_cast<DtlsTransport*>(SSL_get_app_data(ssl)); }

  static int bio_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }
  static int bio_read(BIO* bio, char* buffer, int size) {
    BIO_clear_retry_flags(bio);
    DtlsTransport* transport = owner(bio);
    const int read = transport != nullptr ? transport->bio_read(buffer, size) : -1;
    if (read < 0) BIO_set_retry_read(bio);
    return read;
  }
  static int bio_write(BIO* bio, const char* data, int size) {
    BIO_clear_retry_flags(bio);
    DtlsTransport* transport = owner(bio);
    return transport != nullptr ? transport->bio_write(data, size) : -1;
  }
  static long bio_ctrl(BIO* bio, int command, long, void*) {
    switch (command) {
      case BIO_CTRL_FLUSH:
        if (DtlsTransport* transport = owner(bio)) transport->bio_flush();
        return 1;
      case BIO_CTRL_WPENDING:
        // OpenSSL sizes the next handshake fragment to what is left of the datagram being packed.
        if (DtlsTransport* transport = owner(bio)) return static_cast<long>(transport->packed_bytes());
        return 0;
      default:  // no MTU overhead (we count whole datagrams), no peer address, no timeouts
        return 0;
    }
  }

  static BIO_METHOD* bio_method() {
    static BIO_METHOD* const method = [] {
      BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "liverelay datagrams");
      BIO_meth_set_create(made, bio_create);
      BIO_meth_set_read(made, bio_read);
      BIO_meth_set_write(made, bio_write);
      BIO_meth_set_ctrl(made, bio_ctrl);
      return made;
    }();
    return method;
  }

  // OpenSSL asks for the next retransmission interval: 0 means a new flight.
  static unsigned int next_retransmit_us(SSL* ssl, unsigned int previous_us) {
    const DtlsTransport* transport = owner(ssl);
    const unsigned int initial_us =
        (transport != nullptr ? transport->options_.initial_retransmit_ms : 1000) * 1000;
    if (previous_us == 0) return initial_us;
    return std::min(previous_us * 2, DtlsTransport::kMaxRetransmitMs * 1000);
  }

  // Browsers' certificates are self-signed: the chain proves nothing, the fingerprint the
  // signalling carried does (RFC 8122 5, RFC 8827 6.5).
  static int verify_peer(int, X509_STORE_CTX* store) {
    if (X509_STORE_CTX_get_error_depth(store) > 0) return 1;
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    DtlsTransport* transport = ssl != nullptr ? owner(ssl) : nullptr;
    X509* certificate = X509_STORE_CTX_get_current_cert(store);
    if (transport == nullptr || certificate == nullptr) return 0;
    if (transport->peer_fingerprint_matches(certificate)) return 1;
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
};

Result<std::unique_ptr<DtlsTransport>> DtlsTransport::create(const DtlsContext& context,
                                                             DtlsTransportOptions options) {
  ERR_clear_error();
  SSL* ssl = SSL_new(context.get());
  if (ssl == nullptr) return fail(Errc::io, take_openssl_errors("DTLS: SSL_new"));
  std::unique_ptr<DtlsTransport> transport(new DtlsTransport(ssl, std::move(options)));
  BIO* bio = BIO_new(DtlsGlue::bio_method());
  if (bio == nullptr) return fail(Errc::io, take_openssl_errors("DTLS: BIO_new"));
  BIO_set_data(bio, transport.get());
  BIO_up_ref(bio);
  SSL_set0_rbio(ssl, bio);
  SSL_set0_wbio(ssl, bio);
  SSL_set_app_data(ssl, transport.get());
  SSL_set_accept_state(ssl);
  SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, DtlsGlue::verify_peer);
  DTLS_set_timer_cb(ssl, DtlsGlue::next_retransmit_us);
  SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
  // SSL_set_mtu answers the MTU it took, or 0 for one too small.
  if (SSL_set_mtu(ssl, static_cast<long>(transport->options_.mtu)) == 0) {
    return fail(Errc::io, take_openssl_errors("DTLS: MTU " + std::to_string(transport->options_.mtu)));
  }
  return transport;
}

DtlsTransport::DtlsTransport(SSL* ssl, DtlsTransportOptions options)
    : ssl_(ssl), options_(std::move(options)), read_buffer_(kMaxApplicationData) {}

DtlsTransport::~DtlsTransport() {
  // A late BIO callback must not find this object (SSL_free calls none today; cheap insurance).
  if (BIO* bio = SSL_get_rbio(ssl_)) BIO_set_data(bio, nullptr);
  SSL_free(ssl_);
}

DtlsOutput DtlsTransport::feed(std::span<const uint8_t> datagram, uint64_t now_ms) {
  DtlsOutput out;
  if (state_ == State::closed || state_ == State::failed || datagram.empty()) return out;
  // Garbage to drop (RFC 6347 4.1.2.7), and not only by OpenSSL: 3.0.19, meeting one such
  // record buffered from the next epoch once it gets there, answers with a fatal alert.
  if (has_short_protected_record(datagram, min_protected_record_length(ssl_))) return out;
  ERR_clear_error();
  input_ = datagram;
  if (state_ == State::waiting || state_ == State::handshaking) advance_handshake(out);
  if (state_ == State::connected) read_application_data(out);
  input_.reset();
  collect_datagrams(out.datagrams);
  rearm_timer(now_ms);
  return out;
}

DtlsOutput DtlsTransport::handle_timeout(uint64_t now_ms) {
  DtlsOutput out;
  if (state_ != State::handshaking || !deadline_ms_ || now_ms < *deadline_ms_) return out;
  ERR_clear_error();
  // OpenSSL keeps its own clock: a call a little early by it does nothing, and rearm_timer()
  // then asks again for the few milliseconds left.
  if (DTLSv1_handle_timeout(ssl_) < 0) {
    report_failure(out, take_openssl_errors("DTLS handshake timed out"));
  }
  collect_datagrams(out.datagrams);
  rearm_timer(now_ms);
  return out;
}

Result<std::vector<Datagram>> DtlsTransport::send_application_data(std::span<const uint8_t> data) {
  if (state_ != State::connected) return fail(Errc::closed, "DTLS: not connected");
  if (data.size() > kMaxApplicationData) {
    return fail(Errc::over_limit, "DTLS: " + std::to_string(data.size()) +
                                      " bytes of application data over " +
                                      std::to_string(kMaxApplicationData));
  }
  ERR_clear_error();
  std::vector<Datagram> datagrams;
  const int written = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
  collect_datagrams(datagrams);
  if (written <= 0) return fail(Errc::io, take_openssl_errors("DTLS: SSL_write"));
  return datagrams;
}

std::vector<Datagram> DtlsTransport::close() {
  std::vector<Datagram> datagrams;
  if (state_ == State::handshaking || state_ == State::connected) {
    ERR_clear_error();
    SSL_shutdown(ssl_);
    ERR_clear_error();
    collect_datagrams(datagrams);
  }
  if (state_ != State::failed) state_ = State::closed;
  deadline_ms_.reset();
  return datagrams;
}

void DtlsTransport::advance_handshake(DtlsOutput& out) {
  const int result = SSL_do_handshake(ssl_);
  if (result == 1) {
    finish_handshake(out);
    return;
  }
  const int error = SSL_get_error(ssl_, result);
  if (error == SSL_ERROR_WANT_READ) {
    // Garbage before the ClientHello leaves OpenSSL where it started.
    if (state_ == State::waiting && SSL_get_state(ssl_) != TLS_ST_BEFORE) state_ = State::handshaking;
    return;
  }
  std::string reason = take_openssl_errors("DTLS handshake failed");
  if (!verify_failure_.empty()) reason = "DTLS handshake failed: " + verify_failure_;
  report_failure(out, std::move(reason));
}

void DtlsTransport::finish_handshake(DtlsOutput& out) {
  // SSL_VERIFY_FAIL_IF_NO_PEER_CERT makes this unreachable; kept so a configuration slip
  // can never yield an unauthenticated session.
  if (!peer_verified_) {
    report_failure(out, "DTLS handshake failed: the peer's certificate was not checked");
    return;
  }
  if (const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_)) {
    const auto profile = profile_from_id(selected->id);
    if (!profile) {
      report_failure(out, std::string("DTLS: unexpected SRTP profile ") + selected->name);
      return;
    }
    std::vector<uint8_t> block(2 * (srtp_key_length(*profile) + srtp_salt_length(*profile)));
    if (SSL_export_keying_material(ssl_, block.data(), block.size(), kSrtpExporterLabel,
                                   sizeof kSrtpExporterLabel - 1, nullptr, 0, 0) != 1) {
      report_failure(out, take_openssl_errors("DTLS: exporting SRTP keys"));
      return;
    }
    auto material = split_keying_material(*profile, block);
    if (!material) {
      report_failure(out, "DTLS: " + material.error().message);
      return;
    }
    srtp_ = std::move(*material);
  }
  state_ = State::connected;
  out.events.push_back({DtlsEvent::Type::connected, {}, {}});
}

void DtlsTransport::read_application_data(DtlsOutput& out) {
  for (;;) {
    const int read = SSL_read(ssl_, read_buffer_.data(), static_cast<int>(read_buffer_.size()));
    if (read > 0) {
      out.events.push_back({DtlsEvent::Type::application_data,
                            std::vector<uint8_t>(read_buffer_.begin(), read_buffer_.begin() + read),
                            {}});
      continue;
    }
    const int error = SSL_get_error(ssl_, read);
    if (error == SSL_ERROR_WANT_READ) return;
    if (error == SSL_ERROR_ZERO_RETURN) {
      state_ = State::closed;
      deadline_ms_.reset();
      out.events.push_back({DtlsEvent::Type::closed, {}, "the peer sent close_notify"});
      return;
    }
    report_failure(out, take_openssl_errors("DTLS read failed"));
    return;
  }
}

void DtlsTransport::report_failure(DtlsOutput& out, std::string reason) {
  state_ = State::failed;
  deadline_ms_.reset();
  out.events.push_back({DtlsEvent::Type::failed, {}, std::move(reason)});
}

void DtlsTransport::collect_datagrams(std::vector<Datagram>& out) {
  for (auto& datagram : pending_) out.push_back(std::move(datagram));
  pending_.clear();
  packing_ = false;
}

void DtlsTransport::rearm_timer(uint64_t now_ms) {
  if (state_ != State::handshaking) {
    deadline_ms_.reset();
    return;
  }
  timeval left{};
  if (DTLSv1_get_timeout(ssl_, &left) != 1) {
    deadline_ms_.reset();
    return;
  }
  // Rounded up: firing before OpenSSL's own deadline would only be a wasted wake-up.
  deadline_ms_ =
      now_ms + static_cast<uint64_t>(left.tv_sec) * 1000 + (static_cast<uint64_t>(left.tv_usec) + 999) / 1000;
}

bool DtlsTransport::peer_fingerprint_matches(X509* certificate) {
  std::string computed;
  for (const DtlsFingerprint& expected : options_.remote_fingerprints) {
    auto digest = certificate_digest(certificate, expected.algorithm);
    if (!digest) continue;
    if (*digest == expected.digest) {
      peer_verified_ = true;
      verify_failure_.clear();
      return true;
    }
    if (computed.empty()) computed = expected.algorithm + " " + format_fingerprint(*digest);
  }
  verify_failure_ =
      options_.remote_fingerprints.empty() ? "no fingerprint to check the peer's certificate against"
      : computed.empty()                   ? "no supported hash function among the offer's fingerprints"
                         : "the peer's certificate (" + computed + ") does not match the offer's fingerprint";
  return false;
}

int DtlsTransport::bio_read(char* buffer, int size) {
  if (!input_) return -1;
  const size_t count = std::min(input_->size(), static_cast<size_t>(size));
  std::memcpy(buffer, input_->data(), count);
  input_.reset();  // a datagram is read whole, once; what does not fit is lost, as with UDP
  return static_cast<int>(count);
}

int DtlsTransport::bio_write(const char* data, int size) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(data);
  // RFC 6347 4.1.1: several records may share a datagram as long as it stays under the MTU.
  if (!packing_ || pending_.empty() || pending_.back().size() + static_cast<size_t>(size) > options_.mtu) {
    pending_.emplace_back();
    packing_ = true;
  }
  pending_.back().insert(pending_.back().end(), bytes, bytes + size);
  return size;
}

}  // namespace liverelay::webrtc
