// RtmpConnection as a player's connection: play by public name, refusals, idle players.
#include "server/clock.hpp"
#include "server/logging.hpp"
#include "server/rtmp/rtmp_connection.hpp"

namespace liverelay {

// A stream is played by its public name in both modes. A name that is unknown may be a
// secret key typed by mistake: it is neither logged nor echoed back; known names are.
// Decided like nginx-rtmp's `idle_streams off`: a name with no broadcast is refused at once
// (NetStream.Play.StreamNotFound), while a broadcast waiting within its reconnect grace is
// played (media resumes when its publisher comes back).
void RtmpConnection::on_play(const rtmp::PlayRequested& request) {
  if (!is_valid_stream_name(request.stream_name)) {
    refuse_play(request.stream_id, "NetStream.Play.BadName", "play refused: not a stream name");
    return;
  }
  registry_.note_demand(request.stream_name);  // an edge starts pulling it
  Stream* stream = registry_.find(request.stream_name);
  if (stream == nullptr || !stream->broadcasting()) {
    refuse_play(request.stream_id, "NetStream.Play.StreamNotFound",
                stream ? "play refused: " + stream->name() + " is not live" : "play refused: unknown stream");
    return;
  }
  session_.accept_play(request.stream_id);
  flush();  // the statuses go before the media
  socket_->set_send_buffer_size(kPlayerSendBuffer);
  auto on_hopeless = [this, name = stream->name()](std::string_view reason) {
    logger("rtmp")->warn("{}: player {} (connection {}) disconnected: {}", name, socket_->peer_address(), id_,
                         reason);
    close("player too slow");
  };
  RtmpPlayOptions play{request.stream_id, std::nullopt};
  if (request.duration > 0 && request.duration < 4e9)
    play.duration_ms = static_cast<uint32_t>(request.duration);
  player_ = std::make_unique<RtmpPlayer>(*stream, session_, *socket_, flusher_, play, std::move(on_hopeless));
  logger("rtmp")->info("{}: player {} (connection {}) joined, {} now", stream->name(),
                       socket_->peer_address(), id_, stream->playback().players + 1);
  player_->start();
}

void RtmpConnection::refuse_play(uint32_t stream_id, std::string_view code, std::string_view log_reason) {
  logger("rtmp")->info("connection {} from {}: {}", id_, socket_->peer_address(), log_reason);
  // The description stays generic: it must not echo what the player asked for.
  session_.reject_play(stream_id, code,
                       code == "NetStream.Play.BadName" ? "not a stream name" : "no such live stream");
}

void RtmpConnection::stop_play() {
  if (!player_) return;
  logger("rtmp")->debug("connection {}: play stopped, {} frames skipped", id_, player_->dropped_frames());
  player_->detach();
  player_.reset();
}

void RtmpConnection::on_idle() {
  if (stream_ != nullptr) {
    logger("rtmp")->warn("{}: publisher {} (connection {}) sent no audio or video for {} s: disconnected",
                         stream_->name(), socket_->peer_address(), id_,
                         static_cast<double>(limits_.publisher_idle_ms) / 1000.0);
    close("publisher idle");
    return;
  }
  if (player_ && steady_ms() - player_->last_sent_ms() < static_cast<int64_t>(kIdleTimeoutMs)) return;
  close(player_ ? "nothing to play for 30 s" : "idle for 30 s");
}

}  // namespace liverelay
