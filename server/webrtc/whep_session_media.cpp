// WhepSession: the stream's shared RTP frames to this viewer over SRTP, and its RTCP feedback.
#include <algorithm>
#include <chrono>
#include <variant>

#include "protocol/rtp/rtcp_parser.hpp"
#include "protocol/rtp/rtcp_writer.hpp"
#include "protocol/rtp/rtp_header.hpp"
#include "server/clock.hpp"
#include "server/logging.hpp"
#include "server/webrtc/whep_session.hpp"

namespace liverelay::webrtc {
namespace {

// Packets resent for one NACK at most: a burst of retransmissions for a viewer on a bad link
// must not starve everyone else's sends.
constexpr size_t kMaxRetransmitsPerNack = 64;

}  // namespace

void WhepSession::on_frame(const SharedRtpFrame& frame) {
  if (closing_ || !srtp_out_) return;
  const int64_t now_ms = steady_ms();
  if (frame->kind == RtpMediaKind::audio) {
    if (!config_.answer.audio) return;
    for (uint32_t i = 0; i < frame->packets.size(); ++i) send_rtp(audio_, frame, i, audio_.next_sequence++);
    return;
  }
  if (!config_.answer.video) return;
  // A viewer starts, and after a picture loss restarts, at a keyframe: anything else would
  // reference pictures it does not have.
  if (waiting_for_keyframe_) {
    if (!frame->keyframe) {
      ++stats_.frames_skipped;
      return;
    }
    waiting_for_keyframe_ = false;
  }
  for (uint32_t i = 0; i < frame->packets.size() && !closing_; ++i) {
    const uint16_t sequence = video_.next_sequence++;
    send_rtp(video_, frame, i, sequence);
    video_sent_.store(sequence, now_ms, SentPacket{frame, i, sequence});
  }
}

// The shared packet, rewritten for this viewer (SSRC, sequence, payload type), encrypted, sent.
void WhepSession::send_rtp(Track& track, const SharedRtpFrame& frame, uint32_t index, uint16_t sequence) {
  const std::span<const uint8_t> shared = frame->packets.packet(index);
  scratch_.assign(shared.begin(), shared.end());
  rtp::set_ssrc(scratch_, track.ssrc);
  rtp::set_sequence(scratch_, sequence);
  rtp::set_payload_type(scratch_, track.payload_type);
  auto protected_packet = srtp_out_->protect_rtp(scratch_);
  if (!protected_packet) return;
  send_to_peer(*protected_packet);
  ++track.packets;
  track.octets += static_cast<uint32_t>(shared.size() - rtp::kRtpHeaderSize);
  ++stats_.packets_sent;
  stats_.bytes_sent += protected_packet->size();
}

void WhepSession::on_srtcp(std::span<const uint8_t> datagram, int64_t now_ms) {
  if (!srtp_in_) return;
  auto rtcp = srtp_in_->unprotect_rtcp(datagram);
  if (!rtcp) return;  // forged, replayed or cut: RFC 3711 3.4 says drop
  auto packets = rtp::parse_rtcp(*rtcp);
  if (!packets) return;
  for (const rtp::RtcpPacket& packet : *packets) {
    if (const auto* nack = std::get_if<rtp::GenericNack>(&packet)) {
      ++stats_.nacks;
      retransmit(*nack, now_ms);
    } else if (std::holds_alternative<rtp::PictureLossIndication>(packet) ||
               std::holds_alternative<rtp::FullIntraRequest>(packet)) {
      // We cannot ask the publisher for a keyframe (RTMP has no such message): the viewer
      // resumes at the next one the encoder makes.
      ++stats_.keyframe_requests;
      waiting_for_keyframe_ = true;
      feed_.request_keyframe();
    }
  }
}

void WhepSession::retransmit(const rtp::GenericNack& nack, int64_t now_ms) {
  if (!config_.answer.video || !config_.answer.video->nack) return;
  std::vector<const SentPacket*> found;
  video_sent_.answer(nack, now_ms, kMaxRetransmitsPerNack, found);
  // The same packet again, same sequence number: no RTX stream is negotiated (RFC 4588 is the
  // cleaner way; Chromium takes plain resends as well).
  for (const SentPacket* sent : found) {
    send_rtp(video_, sent->frame, sent->index, sent->sequence);
    ++stats_.retransmitted;
  }
}

void WhepSession::send_sender_reports(int64_t now_wall_ms) {
  const rtp::NtpTime ntp = rtp::to_ntp(std::chrono::system_clock::time_point(std::chrono::milliseconds(now_wall_ms)));
  std::vector<uint8_t> compound;
  auto report = [&](const Track& track, std::optional<uint32_t> rtp_time) {
    if (!rtp_time || track.packets == 0) return;
    compound.clear();
    rtp::write_sender_report({track.ssrc, ntp, *rtp_time, track.packets, track.octets}, config_.cname, compound);
    auto protected_packet = srtp_out_->protect_rtcp(compound);
    if (protected_packet) send_to_peer(*protected_packet);
  };
  report(video_, feed_.video_rtp_time(now_wall_ms));
  report(audio_, feed_.audio_rtp_time(now_wall_ms));
}

}  // namespace liverelay::webrtc
