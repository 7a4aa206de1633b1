// One epoll loop that owns a share of the viewers: reads their sockets in batches (recvmmsg)
// and runs their timers every few milliseconds.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "viewer.hpp"

namespace whep_load {

class ViewerThread {
 public:
  ViewerThread();
  ~ViewerThread();
  ViewerThread(const ViewerThread&) = delete;
  ViewerThread& operator=(const ViewerThread&) = delete;

  // Before start() only.
  void add(std::unique_ptr<Viewer> viewer);
  void start();
  void stop();  // asks the loop to end and joins it

  [[nodiscard]] const std::vector<std::unique_ptr<Viewer>>& viewers() const { return viewers_; }
  [[nodiscard]] uint64_t receive_calls() const { return receive_calls_.load(std::memory_order_relaxed); }

 private:
  void run();
  void drain(Viewer& viewer);

  int epoll_fd_;
  std::vector<std::unique_ptr<Viewer>> viewers_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> receive_calls_{0};
  std::thread thread_;
};

}  // namespace whep_load
