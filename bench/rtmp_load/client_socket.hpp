// A TCP client connection on the loop for one RTMP client session of the load (a Player or a
// Publisher): connect, read, write, close. Raw libuv, so rtmp_load stays independent of server/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <uv.h>

namespace rtmp_load {

class ClientSocket {
 public:
  // What the owner hears. Callbacks may close the socket (or fail the owner) from inside them.
  class Listener {
   public:
    virtual void on_connected() = 0;
    virtual void on_data(std::span<const uint8_t> bytes) = 0;
    virtual void on_failed(std::string reason) = 0;  // connect, read, write error or EOF

   protected:
    ~Listener() = default;
  };

  struct Options {
    size_t read_buffer_bytes = 64 * 1024;  // the most one read hands to on_data
    bool no_delay = false;                 // TCP_NODELAY: a publisher's small tags leave at once
  };

  ClientSocket(uv_loop_t* loop, Options options, Listener& listener);
  ClientSocket(const ClientSocket&) = delete;
  ClientSocket& operator=(const ClientSocket&) = delete;
  ~ClientSocket() { close(); }

  void connect(const std::string& host, uint16_t port);
  void close();
  // Tries the socket first and queues only what the kernel did not take. No-op when closed.
  void write(std::vector<uint8_t> bytes);

  [[nodiscard]] bool open() const { return handle_ != nullptr; }
  // Written but not yet taken by the kernel; 0 when closed.
  [[nodiscard]] size_t queued_bytes() const;

 private:
  static void on_connect(uv_connect_t* request, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  void queue(std::vector<uint8_t> bytes);

  uv_loop_t* loop_;
  Options options_;
  Listener& listener_;
  uv_tcp_t* handle_ = nullptr;  // freed in its close callback, so late callbacks find data == nullptr
};

}  // namespace rtmp_load
