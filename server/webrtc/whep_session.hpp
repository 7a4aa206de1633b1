// One WHEP viewer: ICE-lite checks, the DTLS handshake, SRTP media from the stream's shared RTP
// frames, RTCP feedback (NACK, PLI, FIR) and the `room` data channel, which makes the viewer a
// member of the stream's room like a WebSocket. Sockets stay with the server (WebRtcServer): a
// session gets datagrams already routed to it and hands back what to send.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/rtp/retransmission_buffer.hpp"
#include "protocol/webrtc/ice_lite.hpp"
#include "protocol/webrtc/stun_message.hpp"
#include "protocol/webrtc/whep_answer.hpp"
#include "server/room/room.hpp"
#include "server/room/room_member.hpp"
#include "server/webrtc/dtls_transport.hpp"
#include "server/webrtc/rtp_frame.hpp"
#include "server/webrtc/sctp_association.hpp"
#include "server/webrtc/srtp_session.hpp"
#include "server/webrtc/webrtc_feed.hpp"

namespace liverelay::webrtc {

class WhepSession;
class UsrsctpLibrary;

// What a session asks of the server that owns the socket.
class WhepSessionHost {
 public:
  virtual ~WhepSessionHost() = default;
  virtual void send_datagram(std::span<const uint8_t> datagram, const TransportAddress& to) = 0;
  // A connectivity check from `address` succeeded: route what comes from it to this session.
  virtual void bind_address(WhepSession& session, const TransportAddress& address) = 0;
  // The session is over (peer closed, consent lost, abuse): the server destroys it soon, never
  // from inside the session's own call.
  virtual void close_later(WhepSession& session, std::string reason) = 0;
  virtual UsrsctpLibrary& sctp_library() = 0;
};

struct WhepSessionConfig {
  std::string id;
  std::string stream;
  IceSessionCredentials ice;
  WhepAnswer answer;  // what was negotiated, the peer's fingerprints
  uint32_t video_ssrc = 0;
  uint32_t audio_ssrc = 0;
  std::string cname;
  std::string address;  // the HTTP client's IP: bans and per-address limits in the room
  std::string user_agent;
};

// RFC 7675 5.1: consent expires 30 s after the last successful check; a session that never
// connects is given the same time.
inline constexpr int64_t kConsentTimeoutMs = 30'000;
inline constexpr int64_t kSenderReportIntervalMs = 1'000;
// Room messages kept for a viewer whose data channel is not open yet (history comes first).
inline constexpr size_t kMaxPendingRoomMessages = 64;
// The WebSocket's frame limit, kept on the data channel too.
inline constexpr size_t kMaxRoomMessageBytes = 4096;

struct WhepSessionStats {
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t retransmitted = 0;
  uint64_t nacks = 0;
  uint64_t keyframe_requests = 0;
  uint64_t frames_skipped = 0;  // waiting for a keyframe
};

class WhepSession final : public RoomMember, public RtpFrameSink {
 public:
  static Result<std::unique_ptr<WhepSession>> create(WhepSessionHost& host, const DtlsContext& dtls,
                                                     WebRtcFeed& feed, Room* room, WhepSessionConfig config,
                                                     const RoomLimits& room_limits, int64_t now_ms);
  ~WhepSession() override;

  // Datagrams routed here: a STUN check for our ufrag (from any address), the rest from a bound one.
  void on_stun(const StunMessage& message, const TransportAddress& from, int64_t now_ms);
  void on_dtls(std::span<const uint8_t> datagram, const TransportAddress& from, int64_t now_ms);
  void on_srtcp(std::span<const uint8_t> datagram, int64_t now_ms);
  // DTLS retransmissions, sender reports, consent expiry; about every 10 ms.
  void tick(int64_t now_ms, int64_t now_wall_ms);

  [[nodiscard]] const std::string& id() const { return config_.id; }
  [[nodiscard]] const std::string& stream() const { return config_.stream; }
  [[nodiscard]] const std::string& local_ufrag() const { return config_.ice.local_ufrag; }
  [[nodiscard]] bool media_flowing() const { return srtp_out_.has_value(); }
  [[nodiscard]] bool room_channel_open() const { return room_channel_.has_value(); }
  [[nodiscard]] const WhepSessionStats& stats() const { return stats_; }

  // RtpFrameSink
  void on_frame(const SharedRtpFrame& frame) override;
  void on_feed_end() override;
  // RoomMember
  void send(const SharedRoomMessage& message) override;
  void disconnect(uint16_t close_code, std::string_view reason) override;

 private:
  // A packet sent, as kept for NACKs: the shared frame and which of its packets.
  struct SentPacket {
    SharedRtpFrame frame;
    uint32_t index = 0;
    uint16_t sequence = 0;
  };
  struct Track {
    uint32_t ssrc = 0;
    uint8_t payload_type = 0;
    uint16_t next_sequence = 0;
    uint32_t packets = 0;
    uint32_t octets = 0;
  };

  WhepSession(WhepSessionHost& host, WebRtcFeed& feed, Room* room, WhepSessionConfig config,
              const RoomLimits& room_limits, int64_t now_ms);

  void handle_dtls_output(DtlsOutput&& output, const TransportAddress& to, int64_t now_ms);
  void on_dtls_connected(int64_t now_ms);
  void start_data_channel();
  void on_sctp_event(SctpEvent&& event);
  void on_room_message(const MessageReceived& message);
  void send_to_peer(std::span<const uint8_t> datagram);
  void send_rtp(Track& track, const SharedRtpFrame& frame, uint32_t index, uint16_t sequence);
  void retransmit(const rtp::GenericNack& nack, int64_t now_ms);
  void send_sender_reports(int64_t now_wall_ms);
  void close(std::string reason);

  WhepSessionHost& host_;
  WebRtcFeed& feed_;
  Room* room_;
  WhepSessionConfig config_;
  int64_t last_consent_ms_;
  std::optional<TransportAddress> peer_;  // the nominated pair's remote address
  std::unique_ptr<DtlsTransport> dtls_;
  std::optional<SrtpSession> srtp_out_;
  std::optional<SrtpSession> srtp_in_;
  std::unique_ptr<SctpAssociation> sctp_;
  std::optional<uint16_t> room_channel_;
  std::deque<SharedRoomMessage> pending_room_;
  Track video_;
  Track audio_;
  bool waiting_for_keyframe_ = true;
  rtp::RetransmissionBuffer<SentPacket> video_sent_;
  int64_t next_report_ms_ = 0;
  std::vector<uint8_t> scratch_;
  bool closing_ = false;
  bool subscribed_ = false;
  WhepSessionStats stats_;
};

}  // namespace liverelay::webrtc
