// TurnFlusher: writers flushed once at the end of a loop turn, never after they cancelled.
#include <catch2/catch.hpp>

#include <uv.h>

#include "server/net/turn_flusher.hpp"

using namespace liverelay;

namespace {

struct CountingWriter : TurnFlusher::Writer {
  int flushes = 0;
  TurnFlusher* flusher = nullptr;
  CountingWriter* cancel_on_flush = nullptr;  // a flush that drops another writer of the batch
  void flush_turn() override {
    ++flushes;
    if (cancel_on_flush != nullptr) flusher->cancel(*cancel_on_flush);
  }
};

void run_one_turn(uv_loop_t* loop) {
  // An idle handle keeps the loop turning once; the check handle runs right after the poll.
  uv_idle_t idle;
  uv_idle_init(loop, &idle);
  uv_idle_start(&idle, [](uv_idle_t* handle) { uv_idle_stop(handle); });
  uv_run(loop, UV_RUN_ONCE);
  uv_close(reinterpret_cast<uv_handle_t*>(&idle), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
}

}  // namespace

TEST_CASE("turn flusher flushes a writer scheduled twice once, at the end of the turn") {
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    TurnFlusher flusher(&loop);
    CountingWriter a, b;
    flusher.schedule(a);
    flusher.schedule(a);
    flusher.schedule(b);
    CHECK(a.flushes == 0);
    run_one_turn(&loop);
    CHECK(a.flushes == 1);
    CHECK(b.flushes == 1);
    run_one_turn(&loop);
    CHECK(a.flushes == 1);  // nothing scheduled: nothing flushed
    flusher.schedule(a);
    run_one_turn(&loop);
    CHECK(a.flushes == 2);
  }
  uv_run(&loop, UV_RUN_NOWAIT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("turn flusher never flushes a cancelled writer, even one cancelled mid-batch") {
  uv_loop_t loop;
  uv_loop_init(&loop);
  {
    TurnFlusher flusher(&loop);
    CountingWriter first, second, cancelled;
    flusher.schedule(cancelled);
    flusher.cancel(cancelled);
    first.flusher = &flusher;
    first.cancel_on_flush = &second;
    flusher.schedule(first);
    flusher.schedule(second);
    run_one_turn(&loop);
    CHECK(cancelled.flushes == 0);
    CHECK(first.flushes == 1);
    CHECK(second.flushes == 0);
  }
  uv_run(&loop, UV_RUN_NOWAIT);
  CHECK(uv_loop_close(&loop) == 0);
}
