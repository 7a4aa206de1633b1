// HttpConnection: the request loop of one socket, with backpressure and timeouts.
#include "server/http/http_connection.hpp"

#include <cctype>

#include "protocol/http/request_target.hpp"
#include "protocol/http/response_head.hpp"
#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

bool wants_websocket(const http::ParsedRequest& request) {
  std::string upgrade(request.header("upgrade"));
  for (char& c : upgrade) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return request.upgrade && upgrade == "websocket";
}

}  // namespace

HttpConnection::HttpConnection(uint64_t id, std::unique_ptr<TcpConnection> tcp, HttpConnectionHost& host,
                               const http::RequestLimits& limits, const HttpTimeouts& timeouts)
    : id_(id), tcp_(std::move(tcp)), host_(host), timeouts_(timeouts), parser_(limits),
      peer_host_(tcp_->peer_host()) {}

void HttpConnection::start(int64_t now_ms) {
  last_activity_ms_ = now_ms;
  tcp_->set_drained_callback([this] { on_drained(); });
  tcp_->start([this](std::span<const uint8_t> bytes) { on_data(bytes); },
              [this](std::string_view reason) { close(reason); });
}

void HttpConnection::sweep(int64_t now_ms) {
  if (done_) return;
  // The route that holds a request answers it within its own deadline (a blocking reload
  // times out after three target durations); the hard stop is the idle timeout.
  if (pending_) {
    if (now_ms - last_activity_ms_ > timeouts_.idle_ms) close("no answer in time");
    return;
  }
  if (tcp_->queued_bytes() > 0) {
    if (now_ms - last_activity_ms_ > timeouts_.send_ms) close("response not read: send timeout");
  } else if (parser_.in_progress() || !input_.empty()) {
    if (now_ms - request_started_ms_ > timeouts_.header_ms) refuse(408, "request not complete in time");
  } else if (now_ms - last_activity_ms_ > timeouts_.idle_ms) {
    close("idle");
  }
}

void HttpConnection::close(std::string_view reason) {
  if (done_ || !tcp_) return;
  done_ = true;
  if (pending_) pending_->abandon();
  logger("http")->debug("connection {} ({}) closed: {}", id_, tcp_->peer_address(), reason);
  tcp_->close();
  host_.finished(id_);
}

void HttpConnection::on_data(std::span<const uint8_t> bytes) {
  const int64_t now = steady_ms();
  if (!parser_.in_progress() && input_.empty()) request_started_ms_ = now;
  last_activity_ms_ = now;
  input_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  process();
}

void HttpConnection::process() {
  size_t offset = 0;
  while (!done_ && !waiting_for_drain_ && !pending_ && offset < input_.size()) {
    const auto rest = std::span(reinterpret_cast<const uint8_t*>(input_.data()) + offset, input_.size() - offset);
    auto consumed = parser_.feed(rest);
    if (!consumed) {
      refuse(parser_.error_status(), consumed.error().message);
      return;
    }
    offset += *consumed;
    if (!parser_.complete()) break;
    const auto after_head = rest.subspan(*consumed);
    if (!dispatch(parser_.take(), after_head)) return;  // handed over or closed
    request_started_ms_ = steady_ms();
  }
  if (!done_) input_.erase(0, offset);
}

// Answers one request; false when the connection is gone (upgraded or closed).
bool HttpConnection::dispatch(http::ParsedRequest parsed, std::span<const uint8_t> after_head) {
  auto target = http::parse_request_target(parsed.target);
  if (!target) {
    refuse(400, target.error().message);
    return false;
  }
  const bool websocket = wants_websocket(parsed);
  HttpRequest request;
  request.method = std::move(parsed.method);
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  request.peer = peer_host_;
  request.user_agent = std::string(parsed.header("user-agent"));
  request.headers = std::move(parsed.headers);
  request.body = std::move(parsed.body);

  if (websocket) {
    // The bytes after the head (usually none yet) belong to the WebSocket.
    if (host_.take_upgrade(request, tcp_, after_head)) {
      done_ = true;  // the socket has a new owner: nothing of it is ours to close
      host_.finished(id_);
      return false;
    }
    refuse(404, "no WebSocket endpoint here");
    return false;
  }
  const HttpResponse response = host_.handle(request);
  if (response.pending) {
    wait_for(request, response.pending, parsed.keep_alive);
    return !done_;
  }
  respond(request, response, parsed.keep_alive);
  return !done_;
}

void HttpConnection::respond(const HttpRequest& request, const HttpResponse& response, bool keep_alive) {
  logger("http")->debug("{} {} {} -> {}", peer_host_, request.method, request.path, response.status);
  send(request, response, keep_alive);
  if (!keep_alive) {
    done_ = true;
    tcp_->close_after_flush();
    host_.finished(id_);
    return;
  }
  if (tcp_->queued_bytes() > 0) {  // the client reads slowly: no next request until it caught up
    waiting_for_drain_ = true;
    tcp_->pause_reading();
  }
}

void HttpConnection::wait_for(const HttpRequest& request, const std::shared_ptr<PendingResponse>& pending,
                              bool keep_alive) {
  pending_ = pending;
  // Pipelined requests stay unparsed in input_ until this one is answered, in order.
  tcp_->pause_reading();
  pending_->await([this, method = request.method, path = request.path, keep_alive](HttpResponse response) {
    pending_.reset();
    HttpRequest answered;
    answered.method = method;
    answered.path = path;
    last_activity_ms_ = steady_ms();
    respond(answered, response, keep_alive);
    if (done_) return;
    if (!waiting_for_drain_) tcp_->resume_reading();
    request_started_ms_ = last_activity_ms_;
    process();
  });
}

void HttpConnection::send(const HttpRequest& request, const HttpResponse& response, bool keep_alive) {
  const auto body = response.bytes();
  http::ResponseHead head_fields;
  head_fields.status = response.status;
  head_fields.content_type = response.content_type;
  head_fields.content_length = body.size();
  head_fields.keep_alive = keep_alive;
  head_fields.headers = response.headers;
  const std::string head = http::render_response_head(head_fields);
  const bool with_body = request.method != "HEAD" && !body.empty();
  const auto head_bytes = std::span(reinterpret_cast<const uint8_t*>(head.data()), head.size());
  if (with_body && response.body_fd >= 0) {
    tcp_->write_with_file(head_bytes, {response.body_fd, body, response.body_owner});
    return;
  }
  const TcpConnection::OutgoingPart parts[2] = {
      {{reinterpret_cast<const uint8_t*>(head.data()), head.size()}, nullptr},
      {body, response.body_owner},
  };
  tcp_->write_parts({parts, with_body ? 2u : 1u});
}

void HttpConnection::refuse(int status, std::string_view reason) {
  if (done_) return;
  logger("http")->info("{}: {} {}", tcp_->peer_address(), status, reason);
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain";
  response.body = std::string(http::reason_phrase(status)) + "\n";
  send(HttpRequest{}, response, false);
  done_ = true;
  tcp_->close_after_flush();
  host_.finished(id_);
}

void HttpConnection::on_drained() {
  last_activity_ms_ = steady_ms();
  if (!waiting_for_drain_ || done_) return;
  waiting_for_drain_ = false;
  tcp_->resume_reading();
  process();
}

}  // namespace liverelay
