// One load viewer after its offer was answered: its own UDP socket connected to the server's
// host candidate, ICE checks (the first ones, then consent every 2 s), the DTLS client, and
// counters of what arrives. SRTP is counted, not decrypted: the server's cost is the same.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "connectivity_check.hpp"
#include "dtls_client.hpp"
#include "session_description.hpp"

namespace whep_load {

enum class ViewerState { checking, handshaking, connected, failed };

// Written by the viewer's thread, read by the main thread for the report.
struct ViewerCounters {
  std::atomic<uint64_t> bytes{0};  // every datagram's UDP payload
  std::atomic<uint64_t> video_packets{0};
  std::atomic<uint64_t> video_bytes{0};
  std::atomic<uint64_t> audio_packets{0};
  std::atomic<uint64_t> rtcp_packets{0};
  std::atomic<uint64_t> video_highest_seq{0};  // extended (RFC 3550 A.1): loss = advance - received
  std::atomic<uint64_t> max_video_gap_ns{0};   // longest silence between video packets; reset per window
  std::atomic<uint64_t> checks_sent{0};
  std::atomic<uint64_t> checks_answered{0};
  std::atomic<uint64_t> check_errors{0};
};

class Viewer {
 public:
  // `location`: the session's URL path from the answer, for the DELETE at the end; `source_ip`:
  // the local address to send from (empty: the kernel's choice).
  static liverelay::Result<std::unique_ptr<Viewer>> create(uint32_t id, const DtlsIdentity& identity,
                                                           AnswerFacts answer, CheckCredentials credentials,
                                                           std::string location, const std::string& source_ip,
                                                           uint64_t now_ns);
  ~Viewer();
  Viewer(const Viewer&) = delete;
  Viewer& operator=(const Viewer&) = delete;

  void on_datagram(std::span<const uint8_t> datagram, uint64_t now_ns);
  // ICE checks and DTLS retransmissions that are due; called every few milliseconds.
  void on_timer(uint64_t now_ns);

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] uint32_t id() const { return id_; }
  [[nodiscard]] ViewerState state() const { return state_.load(std::memory_order_acquire); }
  // Set once, before state() turns failed.
  [[nodiscard]] const std::string& failure() const { return failure_; }
  [[nodiscard]] const std::string& location() const { return location_; }
  [[nodiscard]] const std::string& source_ip() const { return source_ip_; }
  [[nodiscard]] const std::string& srtp_profile() const { return dtls_.srtp_profile(); }
  [[nodiscard]] const ViewerCounters& counters() const { return counters_; }
  ViewerCounters& counters() { return counters_; }
  // Keeps every RTP packet's arrival (kind, sequence, timestamp, ns) from now on, for --trace.
  void start_trace() { tracing_.store(true, std::memory_order_release); }
  struct TracePoint {
    char kind;  // 'v' or 'a'
    uint16_t sequence;
    uint32_t timestamp;
    uint64_t arrived_ns;
  };
  [[nodiscard]] const std::vector<TracePoint>& trace() const { return trace_; }
  // Offer POSTed to DTLS connected, in ns; 0 until connected.
  [[nodiscard]] uint64_t connect_ns() const { return connect_ns_.load(std::memory_order_acquire); }

 private:
  Viewer(uint32_t id, int fd, AnswerFacts answer, CheckCredentials credentials, std::string location,
         DtlsClient dtls, uint64_t now_ns);
  void send_check(uint64_t now_ns);
  void on_check_answer(std::span<const uint8_t> datagram, uint64_t now_ns);
  void on_dtls(const DtlsStep& step, uint64_t now_ns);
  void on_rtp(std::span<const uint8_t> datagram, uint64_t now_ns);
  void send_datagram(std::span<const uint8_t> datagram);
  void fail(std::string reason);

  uint32_t id_;
  int fd_;
  AnswerFacts answer_;
  CheckCredentials credentials_;
  std::string location_;
  std::string source_ip_;
  DtlsClient dtls_;
  std::atomic<ViewerState> state_{ViewerState::checking};
  std::string failure_;
  liverelay::webrtc::TransactionId check_id_{};
  uint64_t created_ns_;
  uint64_t next_check_ns_ = 0;
  uint64_t next_dtls_timer_ns_ = 0;
  uint64_t last_video_ns_ = 0;
  bool seen_video_ = false;
  std::atomic<uint64_t> connect_ns_{0};
  std::atomic<bool> tracing_{false};
  std::vector<TracePoint> trace_;
  ViewerCounters counters_;
};

}  // namespace whep_load
