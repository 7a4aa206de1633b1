// Flushes writers once at the end of the loop turn (a uv_check handle): a writer that gets many
// small pieces in one turn (an RTMP player fed every tag of a publisher's read) sends them in one
// system call instead of one each. The WebSocket fan-out batches the same way.
#pragma once

#include <vector>

#include <uv.h>

namespace liverelay {

class TurnFlusher {
 public:
  class Writer {
   public:
    virtual void flush_turn() = 0;

   protected:
    ~Writer() = default;

   private:
    friend class TurnFlusher;
    bool scheduled_ = false;
  };

  explicit TurnFlusher(uv_loop_t* loop);
  ~TurnFlusher();
  TurnFlusher(const TurnFlusher&) = delete;
  TurnFlusher& operator=(const TurnFlusher&) = delete;

  // Flushes `writer` at the end of this turn; twice in a turn is once.
  void schedule(Writer& writer);
  // Before a scheduled writer goes away.
  void cancel(Writer& writer);

 private:
  void run();

  uv_check_t* handle_;
  std::vector<Writer*> pending_;
  std::vector<Writer*> running_;  // the batch being flushed: cancel() clears its entries too
};

}  // namespace liverelay
