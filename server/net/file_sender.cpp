// FileSender: a uv_poll on a dup'ed descriptor, sendfile() on every writable event.
#include "server/net/file_sender.hpp"

#include <sys/sendfile.h>
#include <unistd.h>

#include <cerrno>

#include "server/net/uv_handles.hpp"
namespace liverelay {

std::unique_ptr<FileSender> FileSender::start(uv_loop_t* loop, int socket, int file, std::span<const uint8_t> bytes,
                                              off_t offset, std::shared_ptr<const void> owner, DoneCallback on_done) {
  const int watched = ::dup(socket);
  if (watched < 0) return nullptr;
  auto* poll = new uv_poll_t{};
  if (uv_poll_init(loop, poll, watched) != 0) {
    delete poll;
    ::close(watched);
    return nullptr;
  }
  std::unique_ptr<FileSender> sender(
      new FileSender(poll, watched, socket, file, bytes, offset, std::move(owner), std::move(on_done)));
  uv_poll_start(poll, UV_WRITABLE, on_writable);
  return sender;
}

FileSender::FileSender(uv_poll_t* poll, int watched, int socket, int file, std::span<const uint8_t> bytes,
                       off_t offset, std::shared_ptr<const void> owner, DoneCallback on_done)
    : poll_(poll), watched_(watched), socket_(socket), file_(file), bytes_(bytes), offset_(offset),
      owner_(std::move(owner)), on_done_(std::move(on_done)) {
  poll_->data = this;
}

FileSender::~FileSender() {
  poll_->data = nullptr;
  // uv_close takes the descriptor out of epoll at once; the handle is freed on the next turn.
  close_and_delete(poll_);
  ::close(watched_);
}

void FileSender::on_writable(uv_poll_t* poll, int status, int) {
  if (auto* self = static_cast<FileSender*>(poll->data)) self->send_more(status);
}

void FileSender::send_more(int status) {
  bool failed = status < 0;
  while (!failed && static_cast<size_t>(offset_) < bytes_.size()) {
    const off_t before = offset_;
    const ssize_t n = ::sendfile(socket_, file_, &offset_, bytes_.size() - static_cast<size_t>(offset_));
    if (n > 0) {
      sent_ += static_cast<size_t>(offset_ - before);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // wait for the next writable event
    failed = true;
  }
  uv_poll_stop(poll_);
  // The owner destroys this sender inside the callback: call through a local.
  const DoneCallback done = std::move(on_done_);
  done(!failed, sent_);
}

}  // namespace liverelay
