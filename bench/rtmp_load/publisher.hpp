// One RTMP publisher of the load: a TCP connection on the loop running a ClientSession (publish)
// that sends an FLV file's tags on their own schedule, in a loop, as `ffmpeg -re -stream_loop -1
// -c copy` does, without a process of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <uv.h>

#include "client_socket.hpp"
#include "flv_file.hpp"
#include "protocol/rtmp/client_session.hpp"
#include "protocol/rtmp/url.hpp"

namespace rtmp_load {

struct PublisherFigures {
  std::optional<double> publish_start_ms;  // from connect() to NetStream.Publish.Start
  uint64_t tags_sent = 0;
  uint64_t media_bytes_sent = 0;  // audio + video tag bodies
  uint64_t passes = 0;            // times the file was started over
  double max_late_ms = 0;         // how far behind its schedule a tag left (a busy loop shows here)
  size_t max_queued_bytes = 0;    // written but not taken by the kernel (a slow server shows here)
  std::string error;              // empty while fine
};

class Publisher final : private ClientSocket::Listener {
 public:
  // `file` must outlive the publisher: every publisher of a run sends the same tags.
  Publisher(uv_loop_t* loop, const liverelay::rtmp::Url& url, const FlvFile& file, uint64_t seed);
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;
  ~Publisher();

  void start();
  void stop();
  // Sends every tag due by `now_ns` (uv_hrtime) in one write; the run's pacing timer calls it.
  void pace(uint64_t now_ns);

  [[nodiscard]] bool publishing() const { return origin_ns_ != 0 && socket_.open(); }
  [[nodiscard]] uint64_t started_ns() const { return started_ns_; }
  [[nodiscard]] const PublisherFigures& figures() const { return figures_; }

 private:
  void on_connected() override { flush(); }
  void on_data(std::span<const uint8_t> bytes) override;
  void on_failed(std::string reason) override;
  void begin_publishing();
  void send_tag(const FlvTag& tag, uint32_t timestamp);
  void flush();

  liverelay::rtmp::Url url_;
  const FlvFile& file_;
  liverelay::rtmp::ClientSession session_;
  ClientSocket socket_;
  uint64_t started_ns_ = 0;
  uint64_t origin_ns_ = 0;  // when the file's timeline started (Publish.Start)
  size_t next_tag_ = 0;
  uint64_t offset_ms_ = 0;  // added to the file's timestamps: loop_ms per pass
  PublisherFigures figures_;
};

}  // namespace rtmp_load
