// Publisher: paces the FLV file's tags into the session and writes them through its ClientSocket.
#include "publisher.hpp"

#include <algorithm>

namespace rtmp_load {
namespace {

// A publisher reads only the server's small replies (acks, status).
constexpr size_t kReadBufferBytes = 64 * 1024;

using liverelay::rtmp::MessageType;

liverelay::rtmp::ClientSessionOptions publish_options(const liverelay::rtmp::Url& url, uint64_t seed) {
  liverelay::rtmp::ClientSessionOptions options;
  options.role = liverelay::rtmp::ClientRole::publish;
  options.app = url.app;
  options.tc_url = url.tc_url();
  options.stream_name = url.stream_name;
  options.seed = seed;
  return options;
}

}  // namespace

Publisher::Publisher(uv_loop_t* loop, const liverelay::rtmp::Url& url, const FlvFile& file, uint64_t seed)
    : url_(url), file_(file), session_(publish_options(url, seed)),
      socket_(loop, {.read_buffer_bytes = kReadBufferBytes, .no_delay = true}, *this) {}

Publisher::~Publisher() { stop(); }

void Publisher::start() {
  started_ns_ = uv_hrtime();
  socket_.connect(url_.host, url_.port);
}

void Publisher::stop() { socket_.close(); }

void Publisher::on_data(std::span<const uint8_t> bytes) {
  if (auto fed = session_.feed(bytes); !fed) {
    on_failed(fed.error().message);
    return;
  }
  while (auto event = session_.next_event()) {
    if (std::holds_alternative<liverelay::rtmp::PublishStarted>(*event)) {
      begin_publishing();
    } else if (auto* status = std::get_if<liverelay::rtmp::StatusReceived>(&*event); status && status->fatal) {
      on_failed(status->code);
      return;
    }
  }
  flush();
}

// The file's script data and sequence headers go first, at once, as an encoder sends them.
void Publisher::begin_publishing() {
  origin_ns_ = uv_hrtime();
  figures_.publish_start_ms = static_cast<double>(origin_ns_ - started_ns_) / 1e6;
  for (const auto& tag : file_.tags)
    if (tag.setup) send_tag(tag, 0);
  pace(origin_ns_);
}

void Publisher::pace(uint64_t now_ns) {
  if (!publishing()) return;
  const auto& tags = file_.tags;
  for (;;) {
    if (next_tag_ == tags.size()) {
      next_tag_ = 0;
      offset_ms_ += file_.loop_ms;
      ++figures_.passes;
    }
    const FlvTag& tag = tags[next_tag_];
    if (tag.setup) {
      ++next_tag_;
      continue;
    }
    const uint64_t due_ns = origin_ns_ + (offset_ms_ + tag.timestamp) * 1'000'000;
    if (due_ns > now_ns) break;
    figures_.max_late_ms = std::max(figures_.max_late_ms, static_cast<double>(now_ns - due_ns) / 1e6);
    send_tag(tag, static_cast<uint32_t>(offset_ms_ + tag.timestamp));  // RTMP timestamps wrap at 2^32 ms
    figures_.media_bytes_sent += tag.body.size();
    ++next_tag_;
  }
  flush();
}

void Publisher::send_tag(const FlvTag& tag, uint32_t timestamp) {
  session_.send_media(tag.type, timestamp, tag.body);
  ++figures_.tags_sent;
}

void Publisher::flush() {
  socket_.write(session_.take_output());
  figures_.max_queued_bytes = std::max(figures_.max_queued_bytes, socket_.queued_bytes());
}

void Publisher::on_failed(std::string reason) {
  if (figures_.error.empty()) figures_.error = std::move(reason);
  stop();
}

}  // namespace rtmp_load
