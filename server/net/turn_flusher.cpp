// TurnFlusher: a uv_check handle, unreferenced so that it never keeps the loop alive.
#include "server/net/turn_flusher.hpp"

#include <algorithm>

#include "server/net/uv_handles.hpp"
namespace liverelay {

TurnFlusher::TurnFlusher(uv_loop_t* loop) : handle_(new uv_check_t{}) {
  uv_check_init(loop, handle_);
  handle_->data = this;
  uv_check_start(handle_, [](uv_check_t* check) {
    if (auto* self = static_cast<TurnFlusher*>(check->data)) self->run();
  });
  uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
}

TurnFlusher::~TurnFlusher() {
  handle_->data = nullptr;
  close_and_delete(handle_);
}

void TurnFlusher::schedule(Writer& writer) {
  if (writer.scheduled_) return;
  writer.scheduled_ = true;
  pending_.push_back(&writer);
}

void TurnFlusher::cancel(Writer& writer) {
  if (!writer.scheduled_) return;
  writer.scheduled_ = false;
  std::replace(pending_.begin(), pending_.end(), &writer, static_cast<Writer*>(nullptr));
  std::replace(running_.begin(), running_.end(), &writer, static_cast<Writer*>(nullptr));
}

void TurnFlusher::run() {
  if (pending_.empty()) return;
  running_.swap(pending_);
  // By index: a flush may cancel a later writer of the batch (a player dropped), never add to it.
  for (size_t i = 0; i < running_.size(); ++i) {
    Writer* writer = running_[i];
    if (writer == nullptr) continue;
    writer->scheduled_ = false;
    writer->flush_turn();
  }
  running_.clear();
}

}  // namespace liverelay
