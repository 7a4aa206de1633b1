// The rest of a file on a socket with sendfile() as the socket drains: what nginx does for a
// big response, where a queue would copy the bytes through user space. Writability is watched
// through a duplicate of the socket's descriptor, so libuv's own watcher of it stays untouched.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <span>

#include <uv.h>

namespace liverelay {

class FileSender {
 public:
  // Called once: all sent (true) or the socket failed (false), with the bytes sent meanwhile.
  using DoneCallback = std::function<void(bool ok, size_t sent)>;

  // Continues after a sendfile() that filled the socket at `offset` of `bytes` (the file's
  // content, mapped, kept alive by `owner`). nullptr when the socket cannot be watched.
  static std::unique_ptr<FileSender> start(uv_loop_t* loop, int socket, int file, std::span<const uint8_t> bytes,
                                           off_t offset, std::shared_ptr<const void> owner, DoneCallback on_done);
  ~FileSender();
  FileSender(const FileSender&) = delete;
  FileSender& operator=(const FileSender&) = delete;

  // What is left, in memory (to queue it instead, when the connection closes gracefully).
  [[nodiscard]] std::span<const uint8_t> rest() const { return bytes_.subspan(static_cast<size_t>(offset_)); }
  [[nodiscard]] const std::shared_ptr<const void>& owner() const { return owner_; }

 private:
  FileSender(uv_poll_t* poll, int watched, int socket, int file, std::span<const uint8_t> bytes, off_t offset,
             std::shared_ptr<const void> owner, DoneCallback on_done);
  static void on_writable(uv_poll_t* poll, int status, int events);
  void send_more(int status);

  uv_poll_t* poll_;
  int watched_;  // dup() of the socket, registered with the loop on its own
  int socket_;
  int file_;
  std::span<const uint8_t> bytes_;
  off_t offset_;
  size_t sent_ = 0;
  std::shared_ptr<const void> owner_;
  DoneCallback on_done_;
};

}  // namespace liverelay
