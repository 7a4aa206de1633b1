// WebRTC playback for every stream: one UDP socket for all sessions, demultiplexed as
// mediasoup's WebRtcServer does (a STUN check names its session by USERNAME; everything else
// by the address a check succeeded from), one DTLS certificate, one usrsctp stack, and a feed
// per stream that has WebRTC viewers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "protocol/webrtc/whep_answer.hpp"
#include "server/net/endpoint.hpp"
#include "server/net/timer.hpp"
#include "server/net/udp_socket.hpp"
#include "server/room/room_member.hpp"
#include "server/webrtc/dtls_certificate.hpp"
#include "server/webrtc/dtls_context.hpp"
#include "server/webrtc/peer_address.hpp"
#include "server/webrtc/usrsctp_library.hpp"
#include "server/webrtc/webrtc_feed.hpp"
#include "server/webrtc/whep_session.hpp"

namespace liverelay {
class StreamRegistry;
class RoomRegistry;
}  // namespace liverelay

namespace liverelay::webrtc {

struct WebRtcServerOptions {
  Endpoint udp{"0.0.0.0", 8189};
  std::vector<std::string> candidates;  // announced addresses; empty: the bound one (or every interface's)
  bool reencode_bframes = true;
  std::string certificate_file;  // PEM; empty: a self-signed one made at start
  std::string key_file;
  RoomLimits room_limits;
  size_t max_sessions = 2000;
  // Sessions from one HTTP client address: an offer costs a DTLS context and a room slot for up
  // to 30 s even if it never connects, so one address cannot take them all.
  size_t max_sessions_per_address = 50;
};

// Why a WHEP request was refused, as the HTTP status and a reason for the body.
struct WhepRefusal {
  int status = 400;
  std::string reason;
};

struct WhepCreated {
  std::string id;
  std::string answer_sdp;
};

struct WebRtcCounters {
  uint64_t datagrams_in = 0;
  uint64_t unroutable = 0;  // garbage, unknown ufrag, or from an address no check succeeded from
  uint64_t sessions_created = 0;
};

class WebRtcServer final : private WhepSessionHost {
 public:
  WebRtcServer(uv_loop_t* loop, StreamRegistry& streams, RoomRegistry& rooms, WebRtcServerOptions options);
  ~WebRtcServer() override;
  WebRtcServer(const WebRtcServer&) = delete;
  WebRtcServer& operator=(const WebRtcServer&) = delete;

  // Makes the certificate, binds the socket, starts the timers.
  Result<void> start();
  // Closes every session (sending DTLS close_notify) and the socket.
  void stop();

  // POST /live/<name>/whep: a session for `offer`, or why not.
  tl::expected<WhepCreated, WhepRefusal> create_session(const std::string& stream, std::string_view offer,
                                                        const std::string& address, const std::string& user_agent);
  // DELETE of the session's URL: false when there is no such session on that stream.
  bool end_session(const std::string& stream, const std::string& id);

  [[nodiscard]] size_t session_count() const { return sessions_.size(); }
  [[nodiscard]] size_t sessions_of(const std::string& stream) const;
  [[nodiscard]] Endpoint local_endpoint() const;
  [[nodiscard]] const std::vector<HostCandidate>& candidates() const { return candidates_; }
  [[nodiscard]] const WebRtcCounters& counters() const { return counters_; }

 private:
  // WhepSessionHost
  void send_datagram(std::span<const uint8_t> datagram, const TransportAddress& to) override;
  void bind_address(WhepSession& session, const TransportAddress& address) override;
  void close_later(WhepSession& session, std::string reason) override;
  UsrsctpLibrary& sctp_library() override { return *sctp_; }

  void on_datagram(std::span<const uint8_t> datagram, const sockaddr* from);
  void on_stun(std::span<const uint8_t> datagram, const TransportAddress& from);
  void keep_ticking();
  void tick();
  void reap_closed();
  void destroy_session(const std::string& id);
  WebRtcFeed* feed_for(const std::string& stream);
  void compute_candidates();

  uv_loop_t* loop_;
  StreamRegistry& streams_;
  RoomRegistry& rooms_;
  WebRtcServerOptions options_;
  std::optional<DtlsCertificate> certificate_;
  std::optional<DtlsContext> dtls_;
  std::unique_ptr<UsrsctpLibrary> sctp_;
  std::unique_ptr<UdpSocket> socket_;
  std::unique_ptr<Timer> timer_;
  static constexpr int kIdleTicksBeforeStop = 500;  // 5 s of ticks with no session, then none
  bool ticking_ = false;
  int idle_ticks_ = 0;
  std::vector<HostCandidate> candidates_;
  std::map<std::string, std::unique_ptr<WhepSession>> sessions_;  // by id
  std::unordered_map<std::string, WhepSession*> by_ufrag_;
  std::unordered_map<TransportAddress, WhepSession*, TransportAddressHash> by_address_;
  std::map<std::string, std::unique_ptr<WebRtcFeed>> feeds_;
  std::map<std::string, size_t> sessions_per_address_;  // by stream, while it has sessions
  std::vector<std::string> closed_;  // sessions to destroy at the next safe point
  WebRtcCounters counters_;
};

}  // namespace liverelay::webrtc
