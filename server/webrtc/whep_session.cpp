// WhepSession: ICE-lite, DTLS, the data channel and the room. Media is in whep_session_media.cpp.
#include "server/webrtc/whep_session.hpp"

#include <utility>

#include "server/clock.hpp"
#include "server/logging.hpp"
#include "server/webrtc/peer_address.hpp"
#include "server/webrtc/usrsctp_library.hpp"

namespace liverelay::webrtc {

Result<std::unique_ptr<WhepSession>> WhepSession::create(WhepSessionHost& host, const DtlsContext& dtls,
                                                         WebRtcFeed& feed, Room* room, WhepSessionConfig config,
                                                         const RoomLimits& room_limits, int64_t now_ms) {
  DtlsTransportOptions options;
  options.remote_fingerprints = config.answer.remote_fingerprints;
  auto transport = DtlsTransport::create(dtls, std::move(options));
  if (!transport) return tl::unexpected(transport.error());
  auto session = std::unique_ptr<WhepSession>(new WhepSession(host, feed, room, std::move(config), room_limits, now_ms));
  session->dtls_ = std::move(*transport);
  if (session->room_ != nullptr) session->room_->join(*session);  // a WHEP viewer counts as a viewer
  return session;
}

WhepSession::WhepSession(WhepSessionHost& host, WebRtcFeed& feed, Room* room, WhepSessionConfig config,
                         const RoomLimits& room_limits, int64_t now_ms)
    : RoomMember(config.address, config.user_agent, room_limits), host_(host), feed_(feed), room_(room),
      config_(std::move(config)), last_consent_ms_(now_ms),
      video_sent_(config_.video_ssrc, [] {
        // A keyframe is hundreds of packets; Chromium gives up on a lost one after a few round
        // trips, and repeats its NACK until the packet comes.
        decltype(video_sent_)::Limits limits;
        limits.capacity = 4096;
        limits.max_age_ms = 1000;
        limits.min_resend_interval_ms = 20;
        return limits;
      }()) {
  video_.ssrc = config_.video_ssrc;
  audio_.ssrc = config_.audio_ssrc;
  if (config_.answer.video) video_.payload_type = config_.answer.video->payload_type;
  if (config_.answer.audio) audio_.payload_type = config_.answer.audio->payload_type;
  // RFC 3550 5.1: the first sequence number is random, like the SSRC it goes with.
  video_.next_sequence = static_cast<uint16_t>(config_.video_ssrc >> 7);
  audio_.next_sequence = static_cast<uint16_t>(config_.audio_ssrc >> 7);
}

WhepSession::~WhepSession() {
  closing_ = true;
  if (subscribed_) feed_.unsubscribe(*this);
  if (room_ != nullptr) room_->leave(*this);
  sctp_.reset();  // frees the association at once; no callback follows
  if (dtls_ && peer_) {
    for (const Datagram& datagram : dtls_->close()) host_.send_datagram(datagram, *peer_);
  }
}

void WhepSession::on_stun(const StunMessage& message, const TransportAddress& from, int64_t now_ms) {
  auto reply = answer_binding_request(message, config_.ice, from);
  if (!reply) return;
  if (!reply->response.empty()) host_.send_datagram(reply->response, from);
  if (!reply->checked) {
    if (!reply->refusal.empty()) logger("webrtc")->debug("session {}: check refused: {}", id(), reply->refusal);
    return;
  }
  last_consent_ms_ = now_ms;  // RFC 7675: every answered check renews consent
  host_.bind_address(*this, from);
  // The controlling browser nominates with USE-CANDIDATE (RFC 8445 8.1.1); until it does, the
  // first working pair is as good as any, and media may start on it.
  if (!peer_ || reply->checked->use_candidate) peer_ = from;
}

void WhepSession::on_dtls(std::span<const uint8_t> datagram, const TransportAddress& from, int64_t now_ms) {
  if (!peer_) peer_ = from;
  handle_dtls_output(dtls_->feed(datagram, static_cast<uint64_t>(now_ms)), from, now_ms);
}

void WhepSession::handle_dtls_output(DtlsOutput&& output, const TransportAddress& to, int64_t now_ms) {
  for (const Datagram& datagram : output.datagrams) host_.send_datagram(datagram, to);
  for (DtlsEvent& event : output.events) {
    if (closing_) return;
    switch (event.type) {
      case DtlsEvent::Type::connected:
        on_dtls_connected(now_ms);
        break;
      case DtlsEvent::Type::application_data:
        if (sctp_) sctp_->receive(event.data);
        break;
      case DtlsEvent::Type::closed:
        close("the viewer closed DTLS");
        break;
      case DtlsEvent::Type::failed:
        close("DTLS: " + event.reason);
        break;
    }
  }
}

void WhepSession::on_dtls_connected(int64_t now_ms) {
  const auto& keys = dtls_->srtp_keying_material();
  if (!keys) {
    close("DTLS: no SRTP profile negotiated");
    return;
  }
  auto out = SrtpSession::outbound(keys->profile, keys->server);
  auto in = SrtpSession::inbound(keys->profile, keys->client);
  if (!out || !in) {
    close("SRTP: " + (!out ? out.error().message : in.error().message));
    return;
  }
  srtp_out_.emplace(std::move(*out));
  srtp_in_.emplace(std::move(*in));
  next_report_ms_ = now_ms + kSenderReportIntervalMs;
  logger("webrtc")->info("session {} (stream {}): connected, {}", id(), stream(), to_string(keys->profile));
  if (config_.answer.data_channel) start_data_channel();
  if (closing_) return;
  subscribed_ = true;
  feed_.subscribe(*this);  // the GOP goes out now: the first picture shows at once
}

void WhepSession::start_data_channel() {
  SctpAssociationConfig sctp;
  sctp.local_port = config_.answer.data_channel->sctp_port;
  sctp.remote_port = config_.answer.data_channel->sctp_port;
  sctp.remote_max_message_size = config_.answer.data_channel->remote_max_message_size;
  sctp.name = id();
  auto association = SctpAssociation::create(
      host_.sctp_library(), sctp,
      [this](std::span<const uint8_t> packet) {
        if (closing_ || !dtls_) return;
        auto datagrams = dtls_->send_application_data(packet);
        if (!datagrams) return;
        for (const Datagram& datagram : *datagrams) send_to_peer(datagram);
      },
      [this](SctpEvent&& event) { on_sctp_event(std::move(event)); });
  if (!association) {
    logger("webrtc")->warn("session {}: data channel: {}", id(), association.error().message);
    return;
  }
  sctp_ = std::move(*association);
}

void WhepSession::on_sctp_event(SctpEvent&& event) {
  if (closing_) return;
  if (auto* opened = std::get_if<ChannelOpened>(&event)) {
    if (opened->label != "room" || room_channel_) return;
    room_channel_ = opened->stream_id;
    while (!pending_room_.empty() && !closing_) {
      SharedRoomMessage message = std::move(pending_room_.front());
      pending_room_.pop_front();
      send(message);
    }
  } else if (auto* received = std::get_if<MessageReceived>(&event)) {
    if (room_channel_ && received->stream_id == *room_channel_) on_room_message(*received);
  } else if (auto* channel_closed = std::get_if<ChannelClosed>(&event)) {
    if (room_channel_ && channel_closed->stream_id == *room_channel_) room_channel_.reset();
  } else if (auto* sctp_closed = std::get_if<SctpClosed>(&event)) {
    logger("webrtc")->debug("session {}: data channels closed: {}", id(), sctp_closed->reason);
    room_channel_.reset();
  }
}

// Exactly what the WebSocket takes: text frames of JSON up to 4 KiB.
void WhepSession::on_room_message(const MessageReceived& message) {
  if (room_ == nullptr) return;
  if (message.binary) {
    room_->refuse(*this, room::RoomErrorCode::binary, "text messages only", wall_ms());
  } else if (message.bytes.size() > kMaxRoomMessageBytes) {
    room_->refuse(*this, room::RoomErrorCode::too_large, "message over 4096 bytes", wall_ms());
  } else {
    room_->on_text(*this, std::string_view(reinterpret_cast<const char*>(message.bytes.data()), message.bytes.size()),
                   wall_ms());
  }
}

void WhepSession::send(const SharedRoomMessage& message) {
  if (closing_) return;
  if (!room_channel_ || !sctp_) {
    if (pending_room_.size() < kMaxPendingRoomMessages) pending_room_.push_back(message);
    return;
  }
  // A viewer whose channel buffer is full is too far behind: it goes, as a slow WebSocket does.
  if (auto sent = sctp_->send_text(*room_channel_, message->json()); !sent) {
    close("room data channel: " + sent.error().message);
  }
}

void WhepSession::disconnect(uint16_t, std::string_view reason) { close(std::string(reason)); }

void WhepSession::on_feed_end() { close("the broadcast ended"); }

void WhepSession::tick(int64_t now_ms, int64_t now_wall_ms) {
  if (closing_) return;
  if (now_ms - last_consent_ms_ > kConsentTimeoutMs) {
    close(media_flowing() ? "consent expired (no checks for 30 s)" : "never connected");
    return;
  }
  if (auto deadline = dtls_->next_timeout_ms(); deadline && static_cast<int64_t>(*deadline) <= now_ms && peer_) {
    handle_dtls_output(dtls_->handle_timeout(static_cast<uint64_t>(now_ms)), *peer_, now_ms);
  }
  if (media_flowing() && now_ms >= next_report_ms_) {
    next_report_ms_ = now_ms + kSenderReportIntervalMs;
    send_sender_reports(now_wall_ms);
  }
}

void WhepSession::send_to_peer(std::span<const uint8_t> datagram) {
  if (peer_) host_.send_datagram(datagram, *peer_);
}

void WhepSession::close(std::string reason) {
  if (closing_) return;
  closing_ = true;
  logger("webrtc")->info("session {} (stream {}): closed: {}", id(), stream(), reason);
  host_.close_later(*this, std::move(reason));
}

}  // namespace liverelay::webrtc
