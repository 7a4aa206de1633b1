// One accepted TCP connection on the loop: reads to a callback, writes without blocking.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <uv.h>

#include "server/net/connection_limiter.hpp"
#include "server/net/endpoint.hpp"
#include "server/net/file_sender.hpp"

namespace liverelay {

// The raw uv_tcp_t is allocated on its own and outlives this object when it must: closing
// clears handle->data (a late callback finds no owner) and the close callback frees it, so
// the object can be destroyed at once, even from inside its own callbacks' callers.
class TcpConnection {
 public:
  using DataCallback = std::function<void(std::span<const uint8_t>)>;
  // The peer closed, reset or a read failed. Called last: the owner may destroy us inside.
  using ClosedCallback = std::function<void(std::string_view reason)>;

  // Takes ownership of an initialised, accepted handle, and of its place among the server's
  // connections ([limits]), given back when the socket is closed.
  explicit TcpConnection(uv_tcp_t* handle, ConnectionSlot slot = {});
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  void start(DataCallback on_data, ClosedCallback on_closed);

  // A piece of a gathered write. With an `owner` keeping the bytes alive (a shared segment or
  // message) a queued remainder points into them; without one, the remainder is copied.
  struct OutgoingPart {
    std::span<const uint8_t> bytes;
    std::shared_ptr<const void> owner;
  };
  // Called when the last queued byte has left (after a write that had to queue).
  using DrainedCallback = std::function<void()>;

  // Sends at once what the socket takes and queues the rest (counted in queued_bytes).
  void write(std::span<const uint8_t> bytes);
  // The same for several pieces in one system call (head + shared body: no copy, one writev).
  void write_parts(std::span<const OutgoingPart> parts);
  // A body that is also a file (a memory file): sendfile() sends it without a copy through
  // user space; what the socket does not take then is queued from `bytes`.
  struct FileBody {
    int fd = -1;
    std::span<const uint8_t> bytes;  // the file's content, mapped
    std::shared_ptr<const void> owner;
  };
  void write_with_file(std::span<const uint8_t> head, const FileBody& body);
  void set_drained_callback(DrainedCallback on_drained) { on_drained_ = std::move(on_drained); }
  // Reads pause (the kernel's buffer then TCP push back on the peer) and resume.
  void pause_reading();
  void resume_reading();
  // SO_SNDBUF (the kernel doubles it for its bookkeeping).
  void set_send_buffer_size(int bytes);
  // The socket itself, for a protocol library taking the connection over (see release_fd).
  [[nodiscard]] uv_os_fd_t fd() const;
  // Stops reading, lets queued writes drain, then closes (used after a refusal).
  void close_after_flush();
  // Closes now; queued writes are dropped. No callback follows.
  void close();

  [[nodiscard]] bool open() const { return handle_ != nullptr; }
  [[nodiscard]] size_t queued_bytes() const { return queued_bytes_; }
  [[nodiscard]] const std::string& peer_address() const { return peer_address_; }  // "ip:port"
  [[nodiscard]] const std::string& peer_host() const { return peer_.host; }          // "ip"
  [[nodiscard]] uint64_t bytes_in() const { return bytes_in_; }
  [[nodiscard]] uint64_t bytes_out() const { return bytes_out_; }

 private:
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* request, int status);
  void fail(std::string_view reason);

  void on_file_sent(size_t queued, bool ok, size_t sent);

  uv_tcp_t* handle_;
  ConnectionSlot slot_;  // moves with us (a WebSocket upgrade), then to a graceful close
  std::unique_ptr<FileSender> file_sender_;     // a body going out with sendfile()
  std::vector<std::vector<uint8_t>> after_file_;  // writes that must wait for it
  Endpoint peer_;
  std::string peer_address_;
  DataCallback on_data_;
  ClosedCallback on_closed_;
  DrainedCallback on_drained_;
  bool reading_ = false;
  size_t queued_bytes_ = 0;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
};

// Ends the graceful closes still running (close_after_flush) at once: for shutdown.
void close_lingering_connections();

// The peer of a connected handle ("?" when the socket cannot tell).
Endpoint peer_endpoint_of(const uv_tcp_t* handle);

}  // namespace liverelay
