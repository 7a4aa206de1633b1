// RtmpPlayer: keyframe gating, the player's timeline, and skipping frames for a full socket.
#include "server/rtmp/rtmp_player.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

// The earliest timestamp of `tags` (audio may arrive a little before the keyframe it plays
// with), compared as signed distances so that the 32-bit wrap does not count as early.
std::optional<uint32_t> earliest(const std::vector<MediaTag>& tags) {
  if (tags.empty()) return std::nullopt;
  const uint32_t first = tags.front().timestamp;
  int32_t lowest = 0;
  for (const MediaTag& tag : tags) lowest = std::min(lowest, static_cast<int32_t>(tag.timestamp - first));
  return first + static_cast<uint32_t>(lowest);
}

}  // namespace

RtmpPlayer::RtmpPlayer(Stream& stream, rtmp::ServerSession& session, TcpConnection& socket, TurnFlusher& flusher,
                       RtmpPlayOptions play, HopelessCallback on_hopeless, RtmpPlayerLimits limits)
    : stream_(stream),
      session_(session),
      socket_(socket),
      flusher_(flusher),
      stream_id_(play.stream_id),
      duration_ms_(play.duration_ms),
      on_hopeless_(std::move(on_hopeless)),
      limits_(limits) {}

RtmpPlayer::~RtmpPlayer() {
  flusher_.cancel(*this);
  detach();
}

void RtmpPlayer::start() {
  if (attached_) return;
  attached_ = true;
  last_sent_ms_ = steady_ms();
  ++stream_.fanout().playback().players;
  // The timeline starts at the earliest cached tag, so the first frames are not squeezed to 0.
  if (auto first = earliest(stream_.fanout().cache().snapshot())) (void)timeline_.map(*first);
  joining_ = true;
  stream_.fanout().add(*this);  // the snapshot arrives through on_tag
  joining_ = false;
  flush();
}

void RtmpPlayer::detach() {
  if (!attached_) return;
  attached_ = false;
  stream_.fanout().remove(*this);
  --stream_.fanout().playback().players;
}

void RtmpPlayer::set_paused(bool paused) {
  paused_ = paused;
  if (!paused) need_keyframe_ = true;  // what was skipped meanwhile is gone
}

void RtmpPlayer::on_stream_begin() {
  timeline_.restart();  // a new publisher starts its clock again: continue after what was sent
  need_keyframe_ = true;
  if (told_unpublished_) {
    told_unpublished_ = false;
    session_.notify_publish(stream_id_);
    flush();
  }
}

void RtmpPlayer::on_stream_end() {
  told_unpublished_ = true;
  need_keyframe_ = true;
  session_.notify_unpublish(stream_id_);
  flush();
}

void RtmpPlayer::on_tag(const MediaTag& tag) {
  if (!attached_) return;
  // Configuration always goes (small, and every later frame needs it); frames may wait.
  if (!tag.config) {
    if (paused_) {
      need_keyframe_ = true;
      return;
    }
    if (!joining_ && socket_.queued_bytes() > limits_.max_queued_bytes) {
      skip(tag);
      return;
    }
    if (need_keyframe_) {
      if (!may_resume(tag)) {
        if (behind_since_ms_) skip(tag);
        return;
      }
      need_keyframe_ = false;
      if (behind_since_ms_) {
        logger("rtmp")->debug("{}: player {} caught up after {} ms", stream_.name(), socket_.peer_address(),
                              steady_ms() - *behind_since_ms_);
        behind_since_ms_.reset();
      }
    }
  }
  send(tag);
  if (!joining_) flusher_.schedule(*this);
}

bool RtmpPlayer::may_resume(const MediaTag& tag) const {
  // Never a frame that refers to one the player did not get: video restarts at a keyframe, and
  // audio with it; a stream without video restarts at any audio frame.
  if (stream_.fanout().cache().has_video()) return tag.kind == TagKind::video && tag.keyframe;
  return tag.kind == TagKind::audio;
}

void RtmpPlayer::skip(const MediaTag&) {
  const int64_t now = steady_ms();
  if (!behind_since_ms_) {
    behind_since_ms_ = now;
    logger("rtmp")->debug("{}: player {} fell behind ({} bytes queued): skipping to the next keyframe",
                          stream_.name(), socket_.peer_address(), socket_.queued_bytes());
  }
  need_keyframe_ = true;
  ++dropped_;
  ++stream_.fanout().playback().dropped_frames;
  if (now - *behind_since_ms_ < limits_.max_behind_ms) return;
  ++stream_.fanout().playback().slow_disconnects;
  detach();
  const std::string reason = fmt::format("behind for {} ms, {} frames skipped, {} bytes queued",
                                         now - *behind_since_ms_, dropped_, socket_.queued_bytes());
  if (auto on_hopeless = std::move(on_hopeless_)) on_hopeless(reason);
}

void RtmpPlayer::send(const MediaTag& tag) {
  const auto type = static_cast<rtmp::MessageType>(tag.kind);
  const uint32_t timestamp = timeline_.map(tag.timestamp);
  if (duration_ms_ && timestamp > *duration_ms_) {
    // As FMS does for play's duration: what was asked for has gone out, the play stops.
    session_.complete_play(stream_id_);
    flush();
    detach();
    return;
  }
  if (session_.write_media(stream_id_, type, timestamp, tag.payload)) {
    last_sent_ms_ = steady_ms();
  }
}

void RtmpPlayer::flush() {
  write_session_output(session_, socket_);
}

void write_session_output(rtmp::ServerSession& session, TcpConnection& socket) {
  auto parts = session.take_output_parts();
  if (parts.empty()) return;
  std::vector<TcpConnection::OutgoingPart> outgoing;
  outgoing.reserve(parts.size());
  for (auto& part : parts) outgoing.push_back({part.bytes, std::move(part.owner)});
  socket.write_parts(outgoing);
}

}  // namespace liverelay
