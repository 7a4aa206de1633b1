// A load-client loop thread: connection ramp, the rounds of parked reloads, shutdown.
#include "park_thread.hpp"

#include <algorithm>

#include "ws_load/proc_stats.hpp"

namespace ll_hls_park {
namespace {

constexpr uint64_t kWatchdogMs = 250;
// The plain reload, then one blocking reload not measured: players answered the plain reload
// on either side of a part being listed wait for different parts; after one blocking round
// they all wait for the same one.
constexpr uint32_t kUnmeasuredRounds = 2;

}  // namespace

ParkThread::ParkThread(const Options& options, RunState& run) : options_(options), run_(run) {
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &wake_, &ParkThread::on_wake);
  uv_timer_init(&loop_, &watchdog_);
  uv_check_init(&loop_, &send_check_);
  wake_.data = watchdog_.data = send_check_.data = this;
}

ParkThread::~ParkThread() {
  join();
  players_.clear();  // their handles are closed already: this frees nothing the loop still uses
  uv_loop_close(&loop_);
}

void ParkThread::add_player(uint32_t id) {
  players_.push_back(std::make_unique<ParkPlayer>(*this, id));
}

void ParkThread::start() {
  thread_ = std::thread([this] {
    connect_more();
    uv_run(&loop_, UV_RUN_DEFAULT);
  });
}

void ParkThread::wake() {
  uv_async_send(&wake_);
}

void ParkThread::join() {
  if (thread_.joinable()) thread_.join();
}

void ParkThread::on_wake(uv_async_t* handle) {
  auto* self = static_cast<ParkThread*>(handle->data);
  Phase phase = self->run_.phase.load();
  if (phase == self->phase_) return;
  self->phase_ = phase;
  if (phase == Phase::kParking) return self->begin_rounds();
  if (phase == Phase::kClosing) return self->close_all();
}

void ParkThread::on_send_check(uv_check_t* handle) {
  static_cast<ParkThread*>(handle->data)->send_queued();
}

void ParkThread::on_watchdog(uv_timer_t* handle) {
  static_cast<ParkThread*>(handle->data)->expire_waiting();
}

void ParkThread::connect_more() {
  uint32_t most = std::max(1u, options_.max_pending / options_.threads);
  while (next_to_connect_ < players_.size() && connecting_ < most) {
    ++connecting_;  // before connect(): a synchronous failure settles it at once
    players_[next_to_connect_++]->connect();
  }
}

void ParkThread::on_connected(ParkPlayer&) {
  --connecting_;
  counters_.connected.fetch_add(1, std::memory_order_relaxed);
  connect_more();
}

void ParkThread::on_answered(ParkPlayer& player) {
  counters_.deliveries.fetch_add(1, std::memory_order_relaxed);
  --waiting_;
  queue_next(player);
}

void ParkThread::on_failed(ParkPlayer&, ParkPlayer::State was, const std::string& reason) {
  if (run_.phase.load() == Phase::kClosing) return;
  ++failures_[reason];
  if (was == ParkPlayer::State::kConnecting) {
    --connecting_;
    counters_.connect_failed.fetch_add(1, std::memory_order_relaxed);
    return connect_more();
  }
  if (was == ParkPlayer::State::kWaiting) --waiting_;
  if (phase_ == Phase::kParking) settle_if_done();
}

// The first request of every player is a plain reload: its answer says which part is next.
void ParkThread::begin_rounds() {
  uv_timer_start(&watchdog_, &ParkThread::on_watchdog, kWatchdogMs, kWatchdogMs);
  for (auto& player : players_) {
    if (player->state() == ParkPlayer::State::kReady) queued_.push_back(player.get());
  }
  send_queued();
}

// A player answered asks for the part after the last one its answer listed, as a real one
// would, but only once the loop has read every socket that was ready with it: writing the
// request at once would delay the reading (and timing) of the other answers of the round.
void ParkThread::queue_next(ParkPlayer& player) {
  if (player.requests_sent() >= options_.rounds + kUnmeasuredRounds) return settle_if_done();
  queued_.push_back(&player);
  uv_check_start(&send_check_, &ParkThread::on_send_check);
}

void ParkThread::send_queued() {
  uv_check_stop(&send_check_);
  sending_.swap(queued_);
  for (ParkPlayer* player : sending_) {
    if (player->state() != ParkPlayer::State::kReady) continue;
    std::optional<PartId> next;
    if (player->requests_sent() > 0) {
      next = next_part(player->last_body());
      if (!next) {
        player->fail("playlist lists no part (is low_latency on?)");
        continue;
      }
    }
    ++waiting_;  // before request(): a failed write settles it at once
    bool measured = player->requests_sent() >= kUnmeasuredRounds;
    player->request(next ? blocking_reload_target(options_.path, *next) : options_.path, next, measured);
  }
  sending_.clear();
  settle_if_done();
}

void ParkThread::settle_if_done() {
  if (waiting_ > 0 || !queued_.empty() || !sending_.empty()) return;
  uv_timer_stop(&watchdog_);
  counters_.finished.store(true);
}

void ParkThread::expire_waiting() {
  uint64_t now = ws_load::monotonic_ns();
  auto limit = static_cast<uint64_t>(options_.answer_timeout * 1e9);
  for (auto& player : players_) {
    if (player->state() == ParkPlayer::State::kWaiting && now - player->sent_ns() > limit) {
      player->fail("no answer in " + std::to_string(static_cast<int>(options_.answer_timeout)) + " s");
    }
  }
}

void ParkThread::close_all() {
  uv_timer_stop(&watchdog_);
  uv_check_stop(&send_check_);
  queued_.clear();
  for (auto& player : players_) player->close();
  uv_close(reinterpret_cast<uv_handle_t*>(&watchdog_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&send_check_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
}

}  // namespace ll_hls_park
