// ViewerThread: epoll, recvmmsg, timers.
#include "viewer_thread.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

#include "ws_load/proc_stats.hpp"

namespace whep_load {
namespace {

constexpr int kTimerIntervalMs = 5;
constexpr unsigned kBatch = 64;
constexpr size_t kDatagramBytes = 2048;  // RTP from the server stays under 1,200 bytes

}  // namespace

ViewerThread::ViewerThread() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) throw std::runtime_error("epoll_create1 failed");
}

ViewerThread::~ViewerThread() {
  stop();
  close(epoll_fd_);
}

void ViewerThread::add(std::unique_ptr<Viewer> viewer) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = viewer.get();
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, viewer->fd(), &event) != 0)
    throw std::runtime_error("epoll_ctl failed");
  viewers_.push_back(std::move(viewer));
}

void ViewerThread::start() {
  thread_ = std::thread([this] { run(); });
}

void ViewerThread::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

void ViewerThread::run() {
  std::array<epoll_event, 256> events{};
  uint64_t next_timer_ns = 0;
  while (!stopping_.load(std::memory_order_relaxed)) {
    const int ready = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), kTimerIntervalMs);
    for (int i = 0; i < ready; ++i) drain(*static_cast<Viewer*>(events[i].data.ptr));
    const uint64_t now = ws_load::monotonic_ns();
    if (now < next_timer_ns) continue;
    for (auto& viewer : viewers_) viewer->on_timer(now);
    next_timer_ns = now + kTimerIntervalMs * 1'000'000ull;
  }
}

// Everything queued on the socket, kBatch datagrams per system call.
void ViewerThread::drain(Viewer& viewer) {
  static thread_local std::array<std::array<uint8_t, kDatagramBytes>, kBatch> buffers;
  static thread_local std::array<iovec, kBatch> vectors;
  static thread_local std::array<mmsghdr, kBatch> messages;
  for (;;) {
    for (unsigned i = 0; i < kBatch; ++i) {
      vectors[i] = {buffers[i].data(), buffers[i].size()};
      messages[i] = {};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    const int got = recvmmsg(viewer.fd(), messages.data(), kBatch, MSG_DONTWAIT, nullptr);
    receive_calls_.fetch_add(1, std::memory_order_relaxed);
    if (got <= 0) return;
    const uint64_t now = ws_load::monotonic_ns();
    for (int i = 0; i < got; ++i) viewer.on_datagram({buffers[i].data(), messages[i].msg_len}, now);
    if (static_cast<unsigned>(got) < kBatch) return;
  }
}

}  // namespace whep_load
