// PushRelay: a MediaSink that republishes the stream through an RtmpClient.
#include "server/relay/push_relay.hpp"

#include <algorithm>

#include "server/logging.hpp"

namespace liverelay {

PushRelay::PushRelay(uv_loop_t* loop, Stream& stream, uint64_t id, rtmp::Url target, PushLimits limits)
    : loop_(loop),
      stream_(stream),
      id_(id),
      target_(std::move(target)),
      limits_(limits),
      retry_timer_(loop),
      retry_ms_(limits.first_retry_ms) {
  stream_.fanout().add(*this);
  if (stream_.live()) connect();
}

PushRelay::~PushRelay() {
  stream_.fanout().remove(*this);
  end_client();
}

PushStatus PushRelay::status() const {
  static constexpr const char* kStateNames[] = {"idle", "connecting", "publishing", "retrying"};
  return PushStatus{id_,
                    target_.redacted(),
                    kStateNames[static_cast<int>(state_)],
                    connects_,
                    failures_,
                    bytes_out_ended_ + (client_ ? client_->bytes_out() : 0),
                    dropped_frames_,
                    last_error_};
}

void PushRelay::on_stream_begin() {
  timeline_.restart();
  need_keyframe_ = true;
  if (state_ == State::idle) connect();
}

void PushRelay::on_stream_end() {
  end_client();
  retry_timer_.stop();
  state_ = State::idle;
  retry_ms_ = limits_.first_retry_ms;
}

void PushRelay::on_tag(const MediaTag& tag) {
  if (state_ != State::publishing) return;
  if (!tag.config) {
    if (client_->queued_bytes() > limits_.max_queued_bytes) {
      if (!need_keyframe_) {
        logger("relay")->warn("{}: push {} falls behind ({} bytes queued): skipping to the next keyframe",
                              stream_.name(), target_.redacted(), client_->queued_bytes());
      }
      need_keyframe_ = true;
      ++dropped_frames_;
      return;
    }
    if (need_keyframe_ && !may_resume(tag)) return;
    need_keyframe_ = false;
  }
  send(tag);
}

bool PushRelay::may_resume(const MediaTag& tag) const {
  if (stream_.fanout().cache().has_video()) return tag.kind == TagKind::video && tag.keyframe;
  return tag.kind == TagKind::audio;
}

void PushRelay::connect() {
  retired_.reset();
  state_ = State::connecting;
  logger("relay")->debug("{}: push {} connecting to {}", stream_.name(), id_, target_.redacted());
  client_ = std::make_unique<RtmpClient>(loop_, target_, rtmp::ClientRole::publish);
  client_->start([this](rtmp::ClientEvent& event) { on_event(event); },
                 [this](std::string_view reason) { on_closed(reason); });
}

void PushRelay::on_event(rtmp::ClientEvent& event) {
  if (std::holds_alternative<rtmp::PublishStarted>(event)) {
    state_ = State::publishing;
    ++connects_;
    retry_ms_ = limits_.first_retry_ms;
    logger("relay")->info("{}: pushing to {}", stream_.name(), target_.redacted());
    send_snapshot();
  } else if (auto* status = std::get_if<rtmp::StatusReceived>(&event); status && status->fatal) {
    on_closed(fmt::format("{} {}", status->code, status->description.substr(0, 128)));
  }
}

void PushRelay::send_snapshot() {
  // The target joins like a player: configuration, then the GOP, so it can start at once.
  timeline_ = SinkTimeline{};
  need_keyframe_ = false;
  for (const MediaTag& tag : stream_.fanout().cache().snapshot()) send(tag);
}

void PushRelay::send(const MediaTag& tag) {
  client_->send_media(static_cast<rtmp::MessageType>(tag.kind), timeline_.map(tag.timestamp), *tag.payload);
}

void PushRelay::on_closed(std::string_view reason) {
  ++failures_;
  last_error_ = std::string(reason.substr(0, 256));
  end_client();
  if (!stream_.broadcasting()) {
    state_ = State::idle;
    return;
  }
  state_ = State::retrying;
  logger("relay")->warn("{}: push to {} ended ({}); retrying in {} ms", stream_.name(), target_.redacted(),
                        last_error_, retry_ms_);
  retry_timer_.start(retry_ms_, 0, [this] {
    if (stream_.broadcasting()) connect();
    else state_ = State::idle;
  });
  retry_ms_ = std::min(retry_ms_ * 2, limits_.max_retry_ms);
}

void PushRelay::end_client() {
  if (!client_) return;
  bytes_out_ended_ += client_->bytes_out();
  client_->stop();
  // We may be inside one of its callbacks: it is destroyed later, when it cannot be on the stack.
  retired_ = std::move(client_);
}

}  // namespace liverelay
