// File writes off the loop: jobs run one at a time, in the order given, on libuv's thread pool
// (uv_queue_work), and report back on the loop. One writer per recording keeps its segment and
// playlist writes in order without making the loop wait for the disk.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <uv.h>

#include "codec/hls/segment_bytes.hpp"
#include "protocol/core/error.hpp"

namespace liverelay {

class DiskWriter {
 public:
  // Runs on the loop once the job is done (never after the writer is destroyed).
  using Done = std::function<void(const Result<void>& outcome)>;

  explicit DiskWriter(uv_loop_t* loop);
  // Jobs already given still run to the end (their state outlives the writer) but report to
  // nobody: a shutdown with writes in flight loses none of them.
  ~DiskWriter();
  DiskWriter(const DiskWriter&) = delete;
  DiskWriter& operator=(const DiskWriter&) = delete;

  // Writes `bytes` to `path` (its folder is made when missing).
  void write_file(std::filesystem::path path, hls::SharedSegmentBytes bytes, Done done = {});
  // Replaces `path` atomically: a temporary beside it, written, flushed to disk, renamed over it.
  void replace_file(std::filesystem::path path, std::shared_ptr<const std::string> text, Done done = {});
  // Removes a folder and everything in it (no error when it is already gone).
  void remove_tree(std::filesystem::path path, Done done = {});
  // Runs `done` once every job given before it has reported.
  void then(Done done);

  // No job queued or running.
  [[nodiscard]] bool idle() const;

  struct Queue;  // shared with the jobs in flight

 private:
  std::shared_ptr<Queue> queue_;
};

// The same replacement on the caller's thread (start-up repair, before the server serves).
Result<void> replace_file_now(const std::filesystem::path& path, const std::string& text);

}  // namespace liverelay
