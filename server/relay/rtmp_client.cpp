// RtmpClient: TcpConnector, then a TcpConnection fed to a ClientSession, with deadlines.
#include "server/relay/rtmp_client.hpp"

#include <random>

namespace liverelay {
namespace {

rtmp::ClientSessionOptions session_options(const rtmp::Url& url, rtmp::ClientRole role) {
  rtmp::ClientSessionOptions options;
  options.role = role;
  options.app = url.app;
  options.tc_url = url.tc_url();
  options.stream_name = url.stream_name;
  options.seed = std::random_device{}();
  return options;
}

}  // namespace

RtmpClient::RtmpClient(uv_loop_t* loop, const rtmp::Url& url, rtmp::ClientRole role)
    : session_(session_options(url, role)), host_(url.host), port_(url.port), connector_(loop), timer_(loop) {}

RtmpClient::~RtmpClient() {
  finished_ = true;
  if (socket_) socket_->close();
}

void RtmpClient::start(EventCallback on_event, ClosedCallback on_closed) {
  on_event_ = std::move(on_event);
  on_closed_ = std::move(on_closed);
  timer_.start(kStartTimeoutMs, 0, [this] { fail("timed out before the stream started"); });
  connector_.connect(host_, port_, [this](Result<uv_tcp_t*> connected) { on_connected(std::move(connected)); });
}

void RtmpClient::on_connected(Result<uv_tcp_t*> connected) {
  if (!connected) {
    fail(connected.error().message);
    return;
  }
  socket_ = std::make_unique<TcpConnection>(*connected);
  socket_->start([this](std::span<const uint8_t> bytes) { on_data(bytes); },
                 [this](std::string_view reason) { fail(reason); });
  flush();  // C0 C1
}

void RtmpClient::on_data(std::span<const uint8_t> bytes) {
  auto fed = session_.feed(bytes);
  // Events first: a refusal's status explains the error that may follow it.
  while (!finished_) {
    auto event = session_.next_event();
    if (!event) break;
    const bool began = std::holds_alternative<rtmp::PublishStarted>(*event) ||
                       std::holds_alternative<rtmp::PlayStarted>(*event);
    if (began) timer_.start(kIdleTimeoutMs, kIdleTimeoutMs, [this] { fail("the server went quiet"); });
    on_event_(*event);  // may stop or destroy us: nothing after it touches members if so
    if (finished_) return;
  }
  if (finished_) return;
  if (session_.playing()) timer_.again();
  flush();
  if (!fed) fail(fed.error().message);
}

void RtmpClient::send_media(rtmp::MessageType type, uint32_t timestamp, std::span<const uint8_t> payload) {
  session_.send_media(type, timestamp, payload);
  flush();
}

void RtmpClient::send_metadata(const amf0::Value& metadata) {
  session_.send_metadata(metadata);
  flush();
}

void RtmpClient::stop() {
  if (finished_) return;
  finished_ = true;
  timer_.stop();
  connector_.cancel();
  if (!socket_) return;
  session_.close_stream();
  flush();
  socket_->close_after_flush();  // the lingering close owns the handle from here
}

void RtmpClient::flush() {
  if (!socket_) return;
  auto out = session_.take_output();
  if (!out.empty()) socket_->write(out);
}

void RtmpClient::fail(std::string_view reason) {
  if (finished_) return;
  finished_ = true;
  timer_.stop();
  connector_.cancel();
  if (socket_) socket_->close();
  ClosedCallback closed = std::move(on_closed_);
  closed(reason);  // may destroy us
}

}  // namespace liverelay
