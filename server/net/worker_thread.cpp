// WorkerThread: a job queue under a mutex one way, completions through uv_async the other.
#include "server/net/worker_thread.hpp"

#include <pthread.h>

#include <utility>
#include <vector>

#include "server/net/uv_handles.hpp"
namespace liverelay {

struct WorkerThread::Shared {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> jobs;
  std::vector<Completion> completions;
  size_t max_queued = 0;
  bool stopping = false;
};

WorkerThread::WorkerThread(uv_loop_t* loop, std::string name, size_t max_queued)
    : shared_(std::make_shared<Shared>()), async_(new uv_async_t{}) {
  shared_->max_queued = max_queued;
  uv_async_init(loop, async_, on_async);
  async_->data = this;
  thread_ = std::thread([this] { run(); });
  pthread_setname_np(thread_.native_handle(), name.substr(0, 15).c_str());  // the kernel keeps 15 chars
}

WorkerThread::~WorkerThread() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->jobs.clear();
  }
  shared_->wake.notify_one();
  thread_.join();
  async_->data = nullptr;
  close_and_delete(async_);
}

bool WorkerThread::post(Job job) {
  {
    std::lock_guard lock(shared_->mutex);
    if (shared_->jobs.size() >= shared_->max_queued) {
      ++refused_;
      return false;
    }
    shared_->jobs.push_back(std::move(job));
  }
  shared_->wake.notify_one();
  return true;
}

void WorkerThread::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(shared_->mutex);
      shared_->wake.wait(lock, [this] { return shared_->stopping || !shared_->jobs.empty(); });
      if (shared_->stopping) return;
      job = std::move(shared_->jobs.front());
      shared_->jobs.pop_front();
    }
    Completion completion = job();
    if (!completion) continue;
    {
      std::lock_guard lock(shared_->mutex);
      if (shared_->stopping) return;
      shared_->completions.push_back(std::move(completion));
    }
    uv_async_send(async_);  // coalesced by libuv: one callback may find several completions
  }
}

void WorkerThread::on_async(uv_async_t* handle) {
  auto* self = static_cast<WorkerThread*>(handle->data);
  if (self == nullptr) return;
  std::vector<Completion> completions;
  {
    std::lock_guard lock(self->shared_->mutex);
    completions.swap(self->shared_->completions);
  }
  // A completion may destroy the worker's owner (and the worker): hold the shared state and stop
  // as soon as that happens.
  std::weak_ptr<Shared> alive = self->shared_;
  for (auto& completion : completions) {
    completion();
    if (alive.expired()) return;
  }
}

}  // namespace liverelay
