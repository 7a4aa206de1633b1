// WorkerThread: jobs run off the loop in order, completions come back on the loop in order, a
// full queue refuses, and a destroyed worker runs no completion.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <uv.h>

#include "server/net/worker_thread.hpp"

using namespace liverelay;

namespace {

// Runs the loop until `done` or 5 s pass (a bounded wait, never a fixed sleep).
template <class Done>
bool run_until(uv_loop_t* loop, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) uv_run(loop, UV_RUN_NOWAIT);
  return done();
}

struct Loop {
  uv_loop_t loop{};
  Loop() { uv_loop_init(&loop); }
  ~Loop() {
    uv_run(&loop, UV_RUN_DEFAULT);  // close callbacks
    uv_loop_close(&loop);
  }
};

}  // namespace

TEST_CASE("jobs run on another thread and their completions on the loop, in order") {
  Loop loop;
  std::vector<int> completed;
  const auto loop_thread = std::this_thread::get_id();
  std::atomic<int> off_loop{0};
  {
    WorkerThread worker(&loop.loop, "test-worker", 100);
    for (int i = 0; i < 50; ++i) {
      REQUIRE(worker.post([&, i]() -> WorkerThread::Completion {
        if (std::this_thread::get_id() != loop_thread) ++off_loop;
        return [&, i] {
          CHECK(std::this_thread::get_id() == loop_thread);
          completed.push_back(i);
        };
      }));
    }
    REQUIRE(run_until(&loop.loop, [&] { return completed.size() == 50; }));
  }
  CHECK(off_loop == 50);
  for (int i = 0; i < 50; ++i) CHECK(completed[static_cast<size_t>(i)] == i);
}

TEST_CASE("a full queue refuses work instead of growing") {
  Loop loop;
  std::atomic<bool> release{false};
  WorkerThread worker(&loop.loop, "test-worker", 2);
  // The first job holds the thread; two wait; the next is refused.
  REQUIRE(worker.post([&]() -> WorkerThread::Completion {
    while (!release) std::this_thread::yield();
    return nullptr;
  }));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int queued = 0;
  while (queued < 2 && std::chrono::steady_clock::now() < deadline) {
    if (worker.post([]() -> WorkerThread::Completion { return nullptr; })) ++queued;
  }
  CHECK_FALSE(worker.post([]() -> WorkerThread::Completion { return nullptr; }));
  CHECK(worker.refused() >= 1);
  release = true;
}

TEST_CASE("a worker destroyed with work in flight runs no completion after it") {
  Loop loop;
  auto ran = std::make_shared<int>(0);
  {
    WorkerThread worker(&loop.loop, "test-worker", 100);
    for (int i = 0; i < 20; ++i) {
      worker.post([ran]() -> WorkerThread::Completion { return [ran] { ++*ran; }; });
    }
  }  // destroyed before the loop ran: the completions must not run
  uv_run(&loop.loop, UV_RUN_NOWAIT);
  CHECK(*ran == 0);
}
