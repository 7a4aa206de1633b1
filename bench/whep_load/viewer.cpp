// Viewer: the socket, the ICE checks, DTLS, and what the media counters see.
#include "viewer.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "http_client.hpp"
#include "protocol/webrtc/packet_demux.hpp"

namespace whep_load {
namespace {

using liverelay::webrtc::classify_packet;
using liverelay::webrtc::PacketKind;

constexpr uint64_t kMs = 1'000'000;
// Until the first answer, a check every 200 ms; then every 2 s for consent (RFC 7675 5.1 asks
// for one every 5 s on average; Chromium sends them more often while media flows).
constexpr uint64_t kFirstCheckIntervalNs = 200 * kMs;
constexpr uint64_t kConsentIntervalNs = 2000 * kMs;
// A keyframe is a burst of tens of packets per viewer, and the loop may be late: room for many.
constexpr int kReceiveBufferBytes = 4 << 20;

// A non-blocking UDP socket connected to the server's candidate, so send() needs no address and
// recv() only sees the server.
liverelay::Result<int> connected_socket(const AnswerFacts& answer, const std::string& source_ip) {
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(answer.candidate_port);
  if (inet_pton(AF_INET, answer.candidate_ip.c_str(), &server.sin_addr) != 1)
    return liverelay::fail(liverelay::Errc::unsupported, "candidate " + answer.candidate_ip + " is not IPv4");
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return liverelay::fail(liverelay::Errc::io, fmt::format("socket: {}", std::strerror(errno)));
  // SO_RCVBUFFORCE passes net.core.rmem_max when we may (root); SO_RCVBUF otherwise.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBufferBytes, sizeof(kReceiveBufferBytes)) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBufferBytes, sizeof(kReceiveBufferBytes));
  if (!source_ip.empty()) {
    if (auto bound = bind_source(fd, source_ip); !bound) {
      close(fd);
      return tl::unexpected(bound.error());
    }
  }
  if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof(server)) != 0) {
    const int error = errno;
    close(fd);
    return liverelay::fail(liverelay::Errc::io, fmt::format("connect UDP: {}", std::strerror(error)));
  }
  return fd;
}

}  // namespace

liverelay::Result<std::unique_ptr<Viewer>> Viewer::create(uint32_t id, const DtlsIdentity& identity,
                                                          AnswerFacts answer, CheckCredentials credentials,
                                                          std::string location, const std::string& source_ip,
                                                          uint64_t now_ns) {
  auto dtls = DtlsClient::create(identity, answer.fingerprint_sha256);
  if (!dtls) return tl::unexpected(dtls.error());
  auto fd = connected_socket(answer, source_ip);
  if (!fd) return tl::unexpected(fd.error());
  auto viewer = std::unique_ptr<Viewer>(new Viewer(id, *fd, std::move(answer), std::move(credentials),
                                                   std::move(location), std::move(*dtls), now_ns));
  viewer->source_ip_ = source_ip;
  return viewer;
}

Viewer::Viewer(uint32_t id, int fd, AnswerFacts answer, CheckCredentials credentials, std::string location,
               DtlsClient dtls, uint64_t now_ns)
    : id_(id),
      fd_(fd),
      answer_(std::move(answer)),
      credentials_(std::move(credentials)),
      location_(std::move(location)),
      dtls_(std::move(dtls)),
      created_ns_(now_ns) {}

Viewer::~Viewer() {
  close(fd_);
}

void Viewer::fail(std::string reason) {
  if (state() == ViewerState::failed) return;
  failure_ = std::move(reason);
  state_.store(ViewerState::failed, std::memory_order_release);
}

void Viewer::send_datagram(std::span<const uint8_t> datagram) {
  // Loopback UDP: a full send buffer is the only failure, and the next check or retransmission
  // covers it.
  (void)send(fd_, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

void Viewer::send_check(uint64_t now_ns) {
  auto check = connectivity_check(credentials_, check_id_);
  if (!check) return fail(check.error().message);
  send_datagram(*check);
  counters_.checks_sent.fetch_add(1, std::memory_order_relaxed);
  next_check_ns_ = now_ns + (state() == ViewerState::checking ? kFirstCheckIntervalNs : kConsentIntervalNs);
}

void Viewer::on_timer(uint64_t now_ns) {
  if (state() == ViewerState::failed) return;
  if (now_ns >= next_check_ns_) send_check(now_ns);
  if (state() == ViewerState::handshaking && now_ns >= next_dtls_timer_ns_) {
    on_dtls(dtls_.on_timer(), now_ns);
    next_dtls_timer_ns_ = now_ns + static_cast<uint64_t>(dtls_.timeout_ms().value_or(50)) * kMs;
  }
}

void Viewer::on_datagram(std::span<const uint8_t> datagram, uint64_t now_ns) {
  counters_.bytes.fetch_add(datagram.size(), std::memory_order_relaxed);
  switch (classify_packet(datagram)) {
    case PacketKind::stun:
      return on_check_answer(datagram, now_ns);
    case PacketKind::dtls:
      if (state() == ViewerState::failed || state() == ViewerState::checking) return;
      return on_dtls(dtls_.feed(datagram), now_ns);
    case PacketKind::rtp:
      return on_rtp(datagram, now_ns);
    case PacketKind::rtcp:
      counters_.rtcp_packets.fetch_add(1, std::memory_order_relaxed);
      return;
    case PacketKind::unknown:
      return;
  }
}

void Viewer::on_check_answer(std::span<const uint8_t> datagram, uint64_t now_ns) {
  const CheckAnswer answer = read_check_answer(datagram, check_id_, credentials_.server_pwd);
  if (answer == CheckAnswer::error) {
    counters_.check_errors.fetch_add(1, std::memory_order_relaxed);
    if (state() == ViewerState::checking) fail("the server answered the ICE check with an error");
    return;
  }
  if (answer != CheckAnswer::success) return;
  counters_.checks_answered.fetch_add(1, std::memory_order_relaxed);
  if (state() != ViewerState::checking) return;
  // A working, nominated pair: now the DTLS client starts (RFC 8842 5.2, RFC 8445 8.1.1).
  state_.store(ViewerState::handshaking, std::memory_order_release);
  next_check_ns_ = now_ns + kConsentIntervalNs;
  on_dtls(dtls_.start(), now_ns);
  next_dtls_timer_ns_ = now_ns + static_cast<uint64_t>(dtls_.timeout_ms().value_or(1000)) * kMs;
}

void Viewer::on_dtls(const DtlsStep& step, uint64_t now_ns) {
  if (!step.datagram.empty()) send_datagram(step.datagram);
  if (!step.failure.empty()) return fail(step.failure);
  if (step.connected) {
    connect_ns_.store(now_ns - created_ns_, std::memory_order_release);
    state_.store(ViewerState::connected, std::memory_order_release);
  }
}

void Viewer::on_rtp(std::span<const uint8_t> datagram, uint64_t now_ns) {
  // RFC 3550 5.1: the header stays in the clear under SRTP: SSRC at 8, sequence number at 2.
  const uint32_t ssrc = (uint32_t{datagram[8]} << 24) | (uint32_t{datagram[9]} << 16) |
                        (uint32_t{datagram[10]} << 8) | datagram[11];
  const bool audio = ssrc == answer_.audio_ssrc;
  if (!audio && ssrc != answer_.video_ssrc) return;
  if (tracing_.load(std::memory_order_relaxed)) {
    const uint32_t timestamp = (uint32_t{datagram[4]} << 24) | (uint32_t{datagram[5]} << 16) |
                               (uint32_t{datagram[6]} << 8) | datagram[7];
    trace_.push_back(
        {audio ? 'a' : 'v', static_cast<uint16_t>((datagram[2] << 8) | datagram[3]), timestamp, now_ns});
  }
  if (audio) {
    counters_.audio_packets.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  counters_.video_packets.fetch_add(1, std::memory_order_relaxed);
  counters_.video_bytes.fetch_add(datagram.size(), std::memory_order_relaxed);
  const uint16_t sequence = static_cast<uint16_t>((datagram[2] << 8) | datagram[3]);
  uint64_t highest = counters_.video_highest_seq.load(std::memory_order_relaxed);
  if (!seen_video_) {
    highest = (uint64_t{1} << 16) | sequence;  // room below for reordered first packets
    seen_video_ = true;
  } else if (const auto ahead = static_cast<int16_t>(sequence - static_cast<uint16_t>(highest)); ahead > 0) {
    highest += static_cast<uint64_t>(ahead);
  }
  counters_.video_highest_seq.store(highest, std::memory_order_relaxed);
  if (last_video_ns_ != 0 &&
      now_ns - last_video_ns_ > counters_.max_video_gap_ns.load(std::memory_order_relaxed))
    counters_.max_video_gap_ns.store(now_ns - last_video_ns_, std::memory_order_relaxed);
  last_video_ns_ = now_ns;
}

}  // namespace whep_load
