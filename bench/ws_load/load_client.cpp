// One load-generator connection: TCP on libuv, the RFC 6455 upgrade, frames in and out.
#include "load_client.hpp"

#include "load_thread.hpp"
#include "proc_stats.hpp"
#include "server_message.hpp"

namespace ws_load {
namespace {

struct WriteRequest {
  uv_write_t request;
  std::string bytes;
};

}  // namespace

LoadClient::LoadClient(LoadThread& thread, Role role, uint32_t id)
    : thread_(thread), stats_(thread.stats()), role_(role), id_(id) {}

LoadClient::~LoadClient() {
  close_handle();
}

void LoadClient::connect() {
  tcp_ = new uv_tcp_t;
  uv_tcp_init(thread_.loop(), tcp_);
  tcp_->data = this;
  uv_tcp_nodelay(tcp_, 1);  // comments are tiny: no Nagle delay in the latency we measure
  auto* request = new uv_connect_t;
  state_ = State::kConnecting;
  int error = uv_tcp_connect(request, tcp_, reinterpret_cast<const sockaddr*>(&thread_.options().address),
                             &LoadClient::on_connect);
  if (error != 0) {
    delete request;
    fail(std::string("connect: ") + uv_err_name(error));
  }
}

void LoadClient::on_connect(uv_connect_t* request, int status) {
  auto* self = static_cast<LoadClient*>(request->handle->data);
  delete request;
  if (self == nullptr) return;  // closed while connecting
  if (status != 0) return self->fail(std::string("connect: ") + uv_err_name(status));
  self->state_ = State::kUpgrading;
  self->key_ = make_client_key(self->thread_.random(), self->thread_.random());
  uv_read_start(reinterpret_cast<uv_stream_t*>(self->tcp_), &LoadClient::on_alloc, &LoadClient::on_read);
  self->write(upgrade_request(self->thread_.options().host_port, self->thread_.options().path, self->key_));
}

void LoadClient::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  // One buffer per loop: every read is consumed (or its tail copied) before the next one.
  auto* self = static_cast<LoadClient*>(handle->data);
  *buf = self != nullptr ? self->thread_.read_buffer() : uv_buf_init(nullptr, 0);
}

void LoadClient::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* self = static_cast<LoadClient*>(stream->data);
  if (self == nullptr || nread == 0) return;
  if (nread < 0) {
    return self->fail(nread == UV_EOF ? "closed by the server without a close frame"
                                      : std::string("read: ") + uv_err_name(static_cast<int>(nread)));
  }
  self->thread_.stamp_read();
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread));
  if (self->state_ == State::kUpgrading) return self->on_upgrade_bytes(bytes);
  self->on_bytes(bytes);
}

void LoadClient::on_upgrade_bytes(std::span<const uint8_t> bytes) {
  answer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  UpgradeAnswer answer = parse_upgrade_answer(answer_, key_);
  if (answer.status == UpgradeAnswer::Status::kIncomplete) return;
  if (answer.status == UpgradeAnswer::Status::kRefused) return fail("upgrade refused: " + answer.reason);
  state_ = State::kOpen;
  (role_ == Role::kViewer ? stats_.viewers_open : stats_.senders_open).add();
  thread_.on_settled();
  std::string rest = answer_.substr(answer.header_bytes);  // frames sent right after the 101
  answer_ = std::string();
  if (!rest.empty()) on_bytes({reinterpret_cast<const uint8_t*>(rest.data()), rest.size()});
}

void LoadClient::on_bytes(std::span<const uint8_t> bytes) {
  bool ok = reader_.feed(bytes, [this](const Message& message) {
    if (state_ == State::kOpen) on_message(message);
  });
  if (!ok && state_ == State::kOpen) fail("protocol: " + reader_.error());
}

void LoadClient::on_message(const Message& message) {
  switch (message.opcode) {
    case Opcode::kText:
      return on_text(message.payload);
    case Opcode::kPing:  // RFC 6455 5.5.3: a pong with the ping's payload
      return send_frame(Opcode::kPong, message.payload);
    case Opcode::kClose: {
      uint16_t code = message.payload.size() >= 2
                          ? static_cast<uint16_t>((static_cast<uint8_t>(message.payload[0]) << 8) |
                                                  static_cast<uint8_t>(message.payload[1]))
                          : 1005;
      send_frame(Opcode::kClose, message.payload.substr(0, 2));  // RFC 6455 5.5.1: echo the code
      return fail("closed by the server: " + std::to_string(code));
    }
    default:
      return;
  }
}

void LoadClient::on_text(std::string_view payload) {
  ServerMessage message = scan_server_message(payload);
  switch (message.type) {
    case MessageType::kComment: {
      auto sent_ns = sent_ns_of(message.text);
      if (!sent_ns) return stats_.foreign_comments.add();
      if (role_ == Role::kSender) return stats_.sender_deliveries.add();
      uint64_t now = thread_.read_ns();
      stats_.viewer_deliveries.add();
      stats_.latency.record(now > *sent_ns ? now - *sent_ns : 0);
      stats_.last_delivery_ns.set(now);
      return;
    }
    case MessageType::kError:
      if (message.code == "rate_limited" && role_ == Role::kSender) {
        stats_.refused.add();
        thread_.run().comments_refused.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      stats_.other_errors.add();
      ++stats_.error_codes[std::string(message.code)];
      return;
    case MessageType::kViewers:
      return stats_.viewer_count.set(message.count);
    case MessageType::kHistory:
      return stats_.histories.add();
    default:
      return;
  }
}

bool LoadClient::send_comment(uint64_t now_ns) {
  if (state_ != State::kOpen) return false;
  std::string payload = R"({"type":"comment","text":")" + comment_text(now_ns, id_) + "\"}";
  send_frame(Opcode::kText, payload);
  return state_ == State::kOpen;
}

void LoadClient::send_frame(Opcode opcode, std::string_view payload) {
  uint8_t frame[512];
  if (payload.size() + kMaxClientHeader > sizeof frame) {
    return write(client_frame(opcode, payload, static_cast<uint32_t>(thread_.random())));
  }
  size_t size = write_client_frame(frame, opcode, payload, static_cast<uint32_t>(thread_.random()));
  write({reinterpret_cast<const char*>(frame), size});
}

void LoadClient::write(std::string_view bytes) {
  if (tcp_ == nullptr) return;
  uv_buf_t buf = uv_buf_init(const_cast<char*>(bytes.data()), static_cast<unsigned>(bytes.size()));
  int written = uv_try_write(reinterpret_cast<uv_stream_t*>(tcp_), &buf, 1);
  if (written == static_cast<int>(bytes.size())) return;
  if (written < 0 && written != UV_EAGAIN) return fail(std::string("write: ") + uv_err_name(written));
  // Queue only what the socket did not take.
  auto* pending =
      new WriteRequest{{}, std::string(bytes.substr(written > 0 ? static_cast<size_t>(written) : 0))};
  uv_buf_t rest = uv_buf_init(pending->bytes.data(), static_cast<unsigned>(pending->bytes.size()));
  uv_write(&pending->request, reinterpret_cast<uv_stream_t*>(tcp_), &rest, 1, [](uv_write_t* request, int) {
    delete reinterpret_cast<WriteRequest*>(request);  // request is the first member
  });
}

void LoadClient::finish() {
  if (state_ == State::kOpen) send_frame(Opcode::kClose, close_payload(1000));
  close_handle();
}

void LoadClient::fail(const std::string& reason) {
  State was = state_;
  close_handle();
  if (thread_.run().phase.load(std::memory_order_relaxed) == Phase::kClosing) return;
  ++stats_.failures[reason];
  if (was == State::kOpen) {
    stats_.disconnected.add();
    if (role_ == Role::kViewer) stats_.viewers_dropped.add();
  } else {
    stats_.connect_failed.add();
    thread_.on_settled();
  }
}

void LoadClient::close_handle() {
  state_ = State::kClosed;
  if (tcp_ == nullptr) return;
  tcp_->data = nullptr;  // a late callback finds no owner
  uv_close(reinterpret_cast<uv_handle_t*>(tcp_),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_tcp_t*>(handle); });
  tcp_ = nullptr;
}

}  // namespace ws_load
