// One WebRTC session's DTLS 1.2 server (RFC 6347, RFC 8842 setup:passive), sans-I/O: datagrams
// in, datagrams to send and events out; the caller owns the socket and the clock.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/webrtc/whep_offer.hpp"
#include "server/webrtc/dtls_context.hpp"
#include "server/webrtc/srtp_profile.hpp"

namespace liverelay::webrtc {

using Datagram = std::vector<uint8_t>;

struct DtlsEvent {
  enum class Type {
    connected,         // handshake done, peer fingerprint checked; srtp_keying_material() is set
    application_data,  // `data` is one record's plaintext: an SCTP packet (RFC 8261)
    closed,            // the peer sent close_notify
    failed,            // `reason` says why; the transport is finished
  };
  Type type;
  std::vector<uint8_t> data;
  std::string reason;
};

// What one call produced: datagrams to send to the peer in order, then what happened.
struct DtlsOutput {
  std::vector<Datagram> datagrams;
  std::vector<DtlsEvent> events;
};

struct DtlsTransportOptions {
  // The offer's a=fingerprint lines: the peer's certificate must match one of them.
  std::vector<DtlsFingerprint> remote_fingerprints;
  size_t mtu = 1200;  // the largest datagram we send (records are packed up to it)
  // RFC 6347 4.2.4.1: the first retransmission after 1 s, doubling up to kMaxRetransmitMs.
  uint32_t initial_retransmit_ms = 1000;
};

class DtlsTransport {
 public:
  enum class State { waiting, handshaking, connected, closed, failed };

  static constexpr uint32_t kMaxRetransmitMs = 8000;
  static constexpr size_t kMaxApplicationData = 16384;  // RFC 6347 4.1: one record's plaintext

  // Errc::io when OpenSSL cannot make the session (out of memory).
  static Result<std::unique_ptr<DtlsTransport>> create(const DtlsContext& context,
                                                       DtlsTransportOptions options);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // One datagram the demux classified as DTLS (RFC 7983). Records that do not authenticate or
  // parse are dropped as RFC 6347 4.1.2.1 asks; a fatal handshake error gives a `failed` event
  // (and the alert to send). After `closed` or `failed`, datagrams are ignored.
  DtlsOutput feed(std::span<const uint8_t> datagram, uint64_t now_ms);
  // Retransmits the last flight when its timer is due (RFC 6347 4.2.4); a handshake that runs
  // out of retransmissions fails. Call it at next_timeout_ms(); earlier calls do nothing.
  DtlsOutput handle_timeout(uint64_t now_ms);
  // When handle_timeout() wants to run, on the caller's clock; empty when no timer is armed.
  // OpenSSL times retransmissions with the wall clock and this maps its deadline onto the
  // caller's, so `now_ms` must advance with real time (uv_now does).
  [[nodiscard]] std::optional<uint64_t> next_timeout_ms() const { return deadline_ms_; }

  // One record carrying `data` (Errc::closed when not connected, Errc::over_limit over
  // kMaxApplicationData).
  Result<std::vector<Datagram>> send_application_data(std::span<const uint8_t> data);
  // Sends close_notify (when the handshake got far enough to matter) and finishes.
  std::vector<Datagram> close();

  [[nodiscard]] State state() const { return state_; }
  // Set once connected with a negotiated use_srtp profile (browsers always negotiate one).
  [[nodiscard]] const std::optional<SrtpKeyingMaterial>& srtp_keying_material() const { return srtp_; }

 private:
  friend struct DtlsGlue;  // OpenSSL's C callbacks, in the .cpp

  DtlsTransport(SSL* ssl, DtlsTransportOptions options);

  void advance_handshake(DtlsOutput& out);
  void finish_handshake(DtlsOutput& out);
  void read_application_data(DtlsOutput& out);
  void report_failure(DtlsOutput& out, std::string reason);
  void collect_datagrams(std::vector<Datagram>& out);
  void rearm_timer(uint64_t now_ms);
  bool peer_fingerprint_matches(X509* certificate);

  // BIO side: one datagram in, records out packed into datagrams of at most mtu bytes.
  int bio_read(char* buffer, int size);
  int bio_write(const char* data, int size);
  void bio_flush() { packing_ = false; }
  [[nodiscard]] size_t packed_bytes() const {
    return packing_ && !pending_.empty() ? pending_.back().size() : 0;
  }

  SSL* ssl_;
  DtlsTransportOptions options_;
  State state_ = State::waiting;
  std::optional<uint64_t> deadline_ms_;
  std::optional<std::span<const uint8_t>> input_;
  std::vector<Datagram> pending_;
  bool packing_ = false;  // the last pending datagram may take more records
  std::string verify_failure_;
  bool peer_verified_ = false;
  std::optional<SrtpKeyingMaterial> srtp_;
  std::vector<uint8_t> read_buffer_;
};

}  // namespace liverelay::webrtc
