// RtmpConnection: handshake, publish authorisation, media to the Stream, clean teardown.
#include "server/rtmp/rtmp_connection.hpp"

#include <random>

#include <fmt/format.h>

#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

rtmp::ServerSessionOptions session_options(const RtmpLimits& limits) {
  rtmp::ServerSessionOptions options;
  options.seed = std::random_device{}();
  options.limits.max_message_size = limits.max_message_bytes;
  return options;
}

}  // namespace

RtmpConnection::RtmpConnection(uv_loop_t* loop, uint64_t id, std::unique_ptr<TcpConnection> socket,
                               StreamRegistry& registry, const PublishAuth& auth, Webhooks& hooks,
                               TurnFlusher& flusher, const RtmpLimits& limits, FinishedCallback on_finished)
    : id_(id),
      socket_(std::move(socket)),
      registry_(registry),
      auth_(auth),
      hooks_(hooks),
      flusher_(flusher),
      limits_(limits),
      on_finished_(std::move(on_finished)),
      session_(session_options(limits)),
      idle_timer_(loop),
      handshake_timer_(loop) {}

RtmpConnection::~RtmpConnection() {
  cancel_publish_hook();
  end_publish();
  player_.reset();
}

void RtmpConnection::start() {
  logger("rtmp")->debug("connection {} from {}", id_, socket_->peer_address());
  socket_->start([this](std::span<const uint8_t> bytes) { on_data(bytes); },
                 [this](std::string_view reason) { finish(reason); });
  arm_idle_timer(kIdleTimeoutMs);
  // A socket that trickles handshake bytes keeps the idle timer going: this one it cannot.
  handshake_timer_.start(limits_.handshake_timeout_ms, 0, [this] {
    if (!session_.handshake_done()) {
      close(fmt::format("no RTMP handshake within {} s", static_cast<double>(limits_.handshake_timeout_ms) / 1000.0));
    }
  });
}

void RtmpConnection::arm_idle_timer(uint64_t timeout_ms) {
  idle_timer_.start(timeout_ms, timeout_ms, [this] { on_idle(); });
}

void RtmpConnection::on_data(std::span<const uint8_t> bytes) {
  if (stream_ == nullptr) idle_timer_.again();  // a publisher's timer runs on media (on_media)
  read_at_us_ = steady_us();
  auto fed = session_.feed(bytes);
  drain_events();
  if (finished_) return;  // a refused publish already ended the connection
  flush();
  if (!fed) {
    logger("rtmp")->warn("connection {} from {}: {}", id_, socket_->peer_address(), fed.error().message);
    close("protocol error");
  }
}

void RtmpConnection::drain_events() {
  while (auto event = session_.next_event()) {
    if (auto* connect = std::get_if<rtmp::ConnectRequested>(&*event)) {
      flash_ver_ = connect->flash_ver.substr(0, 128);
      app_ = connect->app.substr(0, 64);
      logger("rtmp")->debug("connection {}: connect app={} flashVer={}", id_, connect->app.substr(0, 64), flash_ver_);
    } else if (auto* publish = std::get_if<rtmp::PublishRequested>(&*event)) {
      on_publish(*publish);
    } else if (auto* media = std::get_if<rtmp::MediaReceived>(&*event)) {
      on_media(std::move(*media));
    } else if (auto* metadata = std::get_if<rtmp::MetadataReceived>(&*event)) {
      if (stream_) stream_->on_metadata(metadata->metadata);
    } else if (std::holds_alternative<rtmp::Unpublished>(*event)) {
      end_publish();
    } else if (auto* play = std::get_if<rtmp::PlayRequested>(&*event)) {
      on_play(*play);
    } else if (std::holds_alternative<rtmp::PlayStopped>(*event)) {
      stop_play();
    } else if (auto* pause = std::get_if<rtmp::PauseRequested>(&*event)) {
      if (player_) player_->set_paused(pause->paused);
    }
  }
}

void RtmpConnection::on_publish(const rtmp::PublishRequested& request) {
  // The key is a secret: log lines and hooks name the connection and, once resolved, the
  // public name.
  auto name = auth_.resolve(request.stream_key);
  if (!name) {
    refuse(request.stream_id, "NetStream.Publish.Unauthorized", "stream key refused",
           "publish refused: unknown stream key");
    return;
  }
  if (!hooks_.asks_before_publish()) {
    start_publish(request.stream_id, *name);
    return;
  }
  if (const Stream* live = registry_.find(*name); live != nullptr && live->live()) {
    refuse_busy(request.stream_id, *name);  // before asking: the hook hears only real attempts
    return;
  }
  if (refuse_if_full(request.stream_id, *name)) return;
  // The session answers nothing until the hook does; the connection reads on meanwhile.
  auto on_answer = [this, stream_id = request.stream_id, name = *name](Result<void> allowed) {
    on_publish_hook(stream_id, name, std::move(allowed));
  };
  auto asked = hooks_.ask_publish(hook_info(*name), std::move(on_answer));
  if (!asked) {
    refuse(request.stream_id, "NetStream.Publish.Unauthorized", "publish refused",
           "publish of " + *name + " refused: " + asked.error().message);
    return;
  }
  publish_hook_ = *asked;
  logger("rtmp")->debug("connection {}: asking on_publish about {}", id_, *name);
}

// Runs on the loop when on_publish answered; never after the connection finished (cancelled).
void RtmpConnection::on_publish_hook(uint32_t stream_id, const std::string& name, Result<void> allowed) {
  publish_hook_ = 0;
  if (!allowed) {
    refuse(stream_id, "NetStream.Publish.Unauthorized", "publish refused",
           "publish of " + name + " refused by the on_publish hook: " + allowed.error().message);
    return;
  }
  if (session_.pending_publish() != stream_id) {
    logger("rtmp")->debug("connection {}: {} withdrawn while on_publish was asked", id_, name);
    return;
  }
  start_publish(stream_id, name);
  if (!finished_) flush();
}

void RtmpConnection::start_publish(uint32_t stream_id, const std::string& name) {
  // Checked again after the hook: other publishes may have started while it was asked.
  if (refuse_if_full(stream_id, name)) return;
  stream_ = registry_.begin_broadcast(name, PublisherInfo{id_, socket_->peer_address(), flash_ver_});
  if (stream_ == nullptr) {
    refuse_busy(stream_id, name);
    return;
  }
  published_at_us_ = steady_us();
  arm_idle_timer(limits_.publisher_idle_ms);
  session_.accept_publish(stream_id);
}

void RtmpConnection::refuse_busy(uint32_t stream_id, const std::string& name) {
  refuse(stream_id, "NetStream.Publish.BadName", "stream already publishing",
         "publish refused: " + name + " is already live");
}

// Past [limits] max_streams no new broadcast starts. A name already live is left to be refused
// as busy: the publisher is told the reason that applies to it.
bool RtmpConnection::refuse_if_full(uint32_t stream_id, const std::string& name) {
  const size_t live = registry_.live_count();
  if (live < limits_.max_streams) return false;
  if (const Stream* stream = registry_.find(name); stream != nullptr && stream->live()) return false;
  // NetStream.Publish.Rejected: what librtmp (OBS) and FFmpeg treat as a failed publish.
  refuse(stream_id, "NetStream.Publish.Rejected", "server full: too many live streams",
         fmt::format("publish of {} refused: {} streams live ([limits] max_streams)", name, live));
  return true;
}

PublisherHookInfo RtmpConnection::hook_info(const std::string& name) const {
  return {name, socket_->peer_address(), app_, flash_ver_, id_};
}

void RtmpConnection::cancel_publish_hook() {
  if (publish_hook_ == 0) return;
  hooks_.cancel(publish_hook_);
  publish_hook_ = 0;
}

void RtmpConnection::refuse(uint32_t stream_id, std::string_view code, std::string_view description,
                            std::string_view log_reason) {
  logger("rtmp")->warn("connection {} from {}: {}", id_, socket_->peer_address(), log_reason);
  session_.reject_publish(stream_id, code, description);
  flush();
  socket_->close_after_flush();
  finish("publish refused");
}

void RtmpConnection::on_media(rtmp::MediaReceived media) {
  if (stream_ == nullptr) return;
  if (media.type == rtmp::MessageType::audio || media.type == rtmp::MessageType::video) idle_timer_.again();
  auto tag = std::make_shared<const media::Buffer>(std::move(media.payload));
  Result<void> handled;
  if (media.type == rtmp::MessageType::video) {
    handled = stream_->on_video(media.timestamp, std::move(tag), read_at_us_);
  } else if (media.type == rtmp::MessageType::audio) {
    handled = stream_->on_audio(media.timestamp, std::move(tag), read_at_us_);
  } else {
    stream_->on_other_bytes(tag->size());
  }
  if (!handled) {
    // One bad tag is the encoder's problem, not a reason to end the broadcast.
    logger("rtmp")->debug("{}: dropped a tag: {}", stream_->name(), handled.error().message);
  }
}

void RtmpConnection::end_publish() {
  if (stream_ == nullptr) return;
  const PublisherHookInfo publisher = hook_info(stream_->name());
  registry_.end_broadcast(*stream_);
  stream_ = nullptr;
  if (!finished_) arm_idle_timer(kIdleTimeoutMs);  // unpublished, still connected
  const double duration_s = static_cast<double>(steady_us() - published_at_us_) / 1e6;
  hooks_.publish_done(publisher, duration_s, socket_->bytes_in());
}

void RtmpConnection::flush() { write_session_output(session_, *socket_); }

void RtmpConnection::close(std::string_view reason) {
  idle_timer_.stop();
  handshake_timer_.stop();
  socket_->close();
  finish(reason);
}

void RtmpConnection::finish(std::string_view reason) {
  if (finished_) return;
  finished_ = true;
  idle_timer_.stop();
  handshake_timer_.stop();
  cancel_publish_hook();  // a late answer must find nothing to call
  logger("rtmp")->debug("connection {} from {} ended: {}", id_, socket_->peer_address(), reason);
  end_publish();
  if (player_) player_->detach();  // destroyed with the connection: we may be inside its callback
  on_finished_(*this);  // the owner destroys us later, outside this call stack
}

}  // namespace liverelay
