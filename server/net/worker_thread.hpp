// A thread for CPU-heavy work (transcoding) that hands each result back to the loop, so that the
// loop never waits on a codec and the codec never touches loop state.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <uv.h>

namespace liverelay {

class WorkerThread {
 public:
  // What runs on the loop once a job is done.
  using Completion = std::function<void()>;
  // What runs on the worker: everything it touches must be the job's own (or the worker's only).
  using Job = std::function<Completion()>;

  // `max_queued`: jobs waiting past this are refused (post() returns false): a worker that cannot
  // keep up sheds work instead of piling up memory and delay.
  WorkerThread(uv_loop_t* loop, std::string name, size_t max_queued);
  // Drops the jobs not started, waits for the running one, and runs no completion after it.
  ~WorkerThread();
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // Queues `job`; its completion (if it returns one) runs on the loop, in the order posted.
  bool post(Job job);
  [[nodiscard]] size_t refused() const { return refused_; }

 private:
  struct Shared;  // what the thread and the loop's async handle both reach
  void run();
  static void on_async(uv_async_t* handle);

  std::shared_ptr<Shared> shared_;
  uv_async_t* async_;
  std::thread thread_;
  size_t refused_ = 0;
};

}  // namespace liverelay
