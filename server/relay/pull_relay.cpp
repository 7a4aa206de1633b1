// PullRelay: an RtmpClient in the play role whose media feeds a local Stream as its publisher.
#include "server/relay/pull_relay.hpp"

#include <algorithm>

#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {

PullRelay::PullRelay(uv_loop_t* loop, StreamRegistry& registry, std::string name, rtmp::Url origin,
                     bool on_demand)
    : loop_(loop),
      registry_(registry),
      name_(std::move(name)),
      origin_(std::move(origin)),
      on_demand_(on_demand),
      retry_timer_(loop) {}

PullRelay::~PullRelay() { release(); }

PullStatus PullRelay::status() const {
  static constexpr const char* kStateNames[] = {"idle", "connecting", "pulling", "retrying"};
  return PullStatus{origin_.redacted(), kStateNames[static_cast<int>(state_)], on_demand_, connects_, failures_,
                    last_error_};
}

void PullRelay::want() {
  if (wanted_) return;
  wanted_ = true;
  retry_ms_ = kFirstRetryMs;
  logger("relay")->info("{}: pulling from {}", name_, origin_.redacted());
  connect();
}

void PullRelay::release() {
  if (!wanted_) return;
  wanted_ = false;
  retry_timer_.stop();
  end_publish();
  end_client();
  state_ = State::idle;
  logger("relay")->info("{}: pull from {} released", name_, origin_.redacted());
}

void PullRelay::connect() {
  retired_.reset();
  state_ = State::connecting;
  client_ = std::make_unique<RtmpClient>(loop_, origin_, rtmp::ClientRole::play);
  client_->start([this](rtmp::ClientEvent& event) { on_event(event); },
                 [this](std::string_view reason) { on_closed(reason); });
}

void PullRelay::on_event(rtmp::ClientEvent& event) {
  if (std::holds_alternative<rtmp::PlayStarted>(event)) {
    state_ = State::pulling;
    ++connects_;
    retry_ms_ = kFirstRetryMs;
  } else if (auto* media = std::get_if<rtmp::RemoteMedia>(&event)) {
    on_media(*media);
  } else if (auto* metadata = std::get_if<rtmp::RemoteMetadata>(&event)) {
    if (stream_ != nullptr || begin_publish()) stream_->on_metadata(metadata->metadata);
  } else if (auto* status = std::get_if<rtmp::StatusReceived>(&event)) {
    if (status->fatal) {
      on_closed(fmt::format("{} {}", status->code, status->description.substr(0, 128)));
    } else if (status->code == "NetStream.Play.UnpublishNotify") {
      end_publish();  // the origin's publisher left: so does ours, grace included
    }
  }
}

void PullRelay::on_media(rtmp::RemoteMedia& media) {
  if (stream_ == nullptr && !begin_publish()) return;
  auto tag = std::make_shared<const media::Buffer>(std::move(media.payload));
  const int64_t arrived_us = steady_us();
  Result<void> handled = media.type == rtmp::MessageType::video
                             ? stream_->on_video(media.timestamp, std::move(tag), arrived_us)
                             : stream_->on_audio(media.timestamp, std::move(tag), arrived_us);
  if (!handled) logger("relay")->debug("{}: dropped a pulled tag: {}", name_, handled.error().message);
}

bool PullRelay::begin_publish() {
  stream_ = registry_.begin_broadcast(
      name_, PublisherInfo{0, fmt::format("{}:{}", origin_.host, origin_.port), "liverelay pull"});
  if (stream_ == nullptr) {
    // A local publisher has the name: it wins, and the pull waits for its turn.
    on_closed("the stream is live here already");
    return false;
  }
  return true;
}

void PullRelay::end_publish() {
  if (stream_ == nullptr) return;
  registry_.end_broadcast(*stream_);
  stream_ = nullptr;
}

void PullRelay::on_closed(std::string_view reason) {
  ++failures_;
  last_error_ = std::string(reason.substr(0, 256));
  end_publish();
  end_client();
  if (!wanted_) {
    state_ = State::idle;
    return;
  }
  state_ = State::retrying;
  logger("relay")->warn("{}: pull from {} ended ({}); retrying in {} ms", name_, origin_.redacted(), last_error_,
                        retry_ms_);
  retry_timer_.start(retry_ms_, 0, [this] {
    if (wanted_) connect();
  });
  retry_ms_ = std::min(retry_ms_ * 2, kMaxRetryMs);
}

void PullRelay::end_client() {
  if (!client_) return;
  client_->stop();
  retired_ = std::move(client_);  // we may be inside one of its callbacks
}

}  // namespace liverelay
