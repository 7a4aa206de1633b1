// A load-generator loop thread: connection ramp, comment schedule, shutdown.
#include "load_thread.hpp"

#include <algorithm>

#include "proc_stats.hpp"

namespace ws_load {
namespace {

constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t kConnectTickMs = 10;
constexpr uint64_t kSendTickMs = 1;
// A flood that has seen no delivery for this long writes its in-flight comments off as lost.
constexpr uint64_t kFloodStallNs = kSecond;

}  // namespace

LoadThread::LoadThread(const Options& options, RunState& run, unsigned total_senders)
    : options_(options), run_(run), total_senders_(total_senders), random_state_(monotonic_ns() | 1) {
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &wake_, &LoadThread::on_wake);
  uv_timer_init(&loop_, &connect_timer_);
  uv_timer_init(&loop_, &send_timer_);
  uv_check_init(&loop_, &send_check_);
  wake_.data = connect_timer_.data = send_timer_.data = send_check_.data = this;
}

LoadThread::~LoadThread() {
  join();
  uv_loop_close(&loop_);
}

void LoadThread::add_client(LoadClient::Role role, uint32_t id) {
  clients_.push_back(std::make_unique<LoadClient>(*this, role, id));
  if (role == LoadClient::Role::kSender) senders_.push_back(clients_.back().get());
}

void LoadThread::start() {
  thread_ = std::thread([this] {
    uv_timer_start(&connect_timer_, &LoadThread::on_connect_tick, 0, kConnectTickMs);
    uv_run(&loop_, UV_RUN_DEFAULT);
  });
}

void LoadThread::wake() {
  uv_async_send(&wake_);
}

void LoadThread::join() {
  if (thread_.joinable()) thread_.join();
}

void LoadThread::stamp_read() {
  read_ns_ = monotonic_ns();
}

uint64_t LoadThread::random() {  // xorshift64*: masks and keys need only be unpredictable enough
  random_state_ ^= random_state_ >> 12;
  random_state_ ^= random_state_ << 25;
  random_state_ ^= random_state_ >> 27;
  return random_state_ * 0x2545F4914F6CDD1Dull;
}

void LoadThread::on_wake(uv_async_t* handle) {
  auto* self = static_cast<LoadThread*>(handle->data);
  Phase phase = self->run_.phase.load();
  if (phase == self->phase_) return;
  self->phase_ = phase;
  switch (phase) {
    case Phase::kSending:
      uv_timer_stop(&self->connect_timer_);  // whatever has not connected by now never will
      self->flood_progress_ns_ = monotonic_ns();
      uv_timer_start(&self->send_timer_, &LoadThread::on_send_tick, 0, kSendTickMs);
      // In a flood, try again after every loop turn: deliveries free the window at once.
      if (self->options_.flood) uv_check_start(&self->send_check_, &LoadThread::on_send_check);
      return;
    case Phase::kDraining:
      uv_timer_stop(&self->send_timer_);
      uv_check_stop(&self->send_check_);
      return;
    case Phase::kClosing:
      return self->close_all();
    default:
      return;
  }
}

void LoadThread::on_connect_tick(uv_timer_t* handle) {
  static_cast<LoadThread*>(handle->data)->connect_more();
}

void LoadThread::on_send_tick(uv_timer_t* handle) {
  auto* self = static_cast<LoadThread*>(handle->data);
  if (self->options_.flood) {
    self->send_flood();
  } else {
    self->send_at_rate();
  }
}

void LoadThread::on_send_check(uv_check_t* handle) {
  static_cast<LoadThread*>(handle->data)->send_flood();
}

void LoadThread::connect_more() {
  uint64_t now = monotonic_ns();
  double rate = options_.connect_rate / options_.threads;
  if (last_connect_tick_ns_ == 0)
    connect_budget_ = 1;
  else
    connect_budget_ += static_cast<double>(now - last_connect_tick_ns_) * rate / kSecond;
  last_connect_tick_ns_ = now;
  connect_budget_ = std::min(connect_budget_, std::max(1.0, rate * 0.05));  // no catch-up burst
  uint32_t max_pending = std::max(1u, options_.max_pending / options_.threads);
  while (connect_budget_ >= 1 && next_to_connect_ < clients_.size() && pending_ < max_pending) {
    ++pending_;  // before connect(): a synchronous failure settles it at once
    clients_[next_to_connect_++]->connect();
    connect_budget_ -= 1;
  }
  if (next_to_connect_ == clients_.size()) uv_timer_stop(&connect_timer_);
}

void LoadThread::send_at_rate() {
  if (senders_.empty() || total_senders_ == 0) return;
  uint64_t now = monotonic_ns();
  double rate = options_.rate * static_cast<double>(senders_.size()) / total_senders_;
  // Comment k is due at k / rate after the start: late ticks catch up, the stamp stays exact.
  auto due = static_cast<uint64_t>(static_cast<double>(now - run_.send_start_ns) * rate / kSecond) + 1;
  while (sent_here_ < due) {
    LoadClient* sender = next_sender(now);
    if (sender == nullptr) break;
    send_from(*sender, now);
  }
}

void LoadThread::send_flood() {
  if (senders_.empty() || run_.receivers == 0) return;
  uint64_t now = monotonic_ns();
  uint64_t delivered = run_.viewer_deliveries();
  if (delivered != flood_progress_) {
    flood_progress_ = delivered;
    flood_progress_ns_ = now;
  }
  double accepted = static_cast<double>(run_.comments_sent.load(std::memory_order_relaxed) -
                                        run_.comments_refused.load(std::memory_order_relaxed));
  double in_flight = accepted - static_cast<double>(delivered) / run_.receivers - flood_forgiven_;
  if (in_flight >= options_.window && now - flood_progress_ns_ > kFloodStallNs) {
    flood_forgiven_ += in_flight;
    flood_progress_ns_ = now;
    in_flight = 0;
  }
  while (in_flight < options_.window) {
    LoadClient* sender = next_sender(now);
    if (sender == nullptr) break;
    send_from(*sender, now);
    in_flight += 1;
  }
}

LoadClient* LoadThread::next_sender(uint64_t now_ns) {
  // Senders take turns, so the one whose turn it is has waited longest: if the cap holds it
  // back, it holds back every other open sender too.
  for (size_t skipped = 0; skipped < senders_.size(); ++skipped) {
    LoadClient* sender = senders_[next_sender_];
    if (sender->state() == LoadClient::State::kOpen) {
      if (sender->next_send_ns() > now_ns) return nullptr;
      next_sender_ = (next_sender_ + 1) % senders_.size();
      return sender;
    }
    next_sender_ = (next_sender_ + 1) % senders_.size();
  }
  return nullptr;
}

void LoadThread::send_from(LoadClient& sender, uint64_t now_ns) {
  ++sent_here_;  // counted even if the write fails, so a dead sender cannot make the rest catch up
  if (!sender.send_comment(now_ns)) return;
  run_.comments_sent.fetch_add(1, std::memory_order_relaxed);
  if (options_.sender_cap > 0)
    sender.set_next_send_ns(now_ns + static_cast<uint64_t>(kSecond / options_.sender_cap));
}

void LoadThread::close_all() {
  uv_timer_stop(&connect_timer_);
  uv_timer_stop(&send_timer_);
  uv_check_stop(&send_check_);
  for (auto& client : clients_) client->finish();
  uv_close(reinterpret_cast<uv_handle_t*>(&connect_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&send_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&send_check_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
}

}  // namespace ws_load
