// Every broadcast's row in the index and its recording: opened when a stream's broadcast
// begins, closed when it ends (after the reconnect grace), repaired at start after a crash, and
// removed by retention or by the admin. The room takes the live broadcast's id from here, so
// comments, reactions and the recording share one broadcast and one start time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <uv.h>

#include "codec/hls/segment_format.hpp"
#include "protocol/core/error.hpp"
#include "server/record/disk_writer.hpp"
#include "server/record/recorder.hpp"
#include "server/record/retention.hpp"
#include "server/storage/broadcast_store.hpp"
#include "server/stream/broadcast_observer.hpp"

namespace liverelay {

struct RecordingOptions {
  bool enabled = true;
  std::filesystem::path data_dir;
  hls::SegmentFormat format = hls::SegmentFormat::ts;
  double segment_s = 2.0;
  int64_t dvr_window_ms = 7'200'000;
  RetentionLimits retention;
};

// What the on_record_done hook is told: never a path on the server.
struct FinishedRecording {
  std::string stream;
  int64_t broadcast_id = 0;
  int64_t duration_ms = 0;
  int64_t bytes = 0;
};

// "/live/<name>/replay/<id>/index.m3u8": where a broadcast's recording is served.
std::string replay_playlist_url(const std::string& stream, int64_t broadcast_id);

class Recordings final : public BroadcastObserver {
 public:
  using FinishedCallback = std::function<void(const FinishedRecording&)>;

  Recordings(uv_loop_t* loop, BroadcastStore& store, RecordingOptions options, FinishedCallback on_finished);
  ~Recordings() override;

  // Start-up, before anything goes live: closes the recordings and broadcasts a crash left
  // open, then applies retention. Synchronous.
  void recover(int64_t now_ms);
  // Housekeeping (about once a second): retention every few seconds.
  void tick(int64_t now_ms);

  HlsPackager::SegmentListener on_broadcast_begin(const std::string& stream, int64_t started_at_ms) override;
  void on_broadcast_end(const std::string& stream, int64_t ended_at_ms) override;

  // The stream's broadcast now (live or within the grace).
  [[nodiscard]] std::optional<BroadcastRef> current(const std::string& stream) const;
  // The stream's current recording, else its last one since the server started.
  [[nodiscard]] std::optional<RecordingStatus> status(const std::string& stream) const;
  // Broadcast `id`'s recording while it is still being written; nullptr otherwise.
  [[nodiscard]] const Recorder* open_recording(int64_t id) const;
  [[nodiscard]] bool is_open(int64_t id) const;
  // The folder of a broadcast's recording, when it has one (checked to be under the data dir).
  [[nodiscard]] std::optional<std::filesystem::path> folder_of(const Broadcast& broadcast) const;

  // Deletes a finished broadcast: its rows now, its files on the thread pool. false: no such
  // broadcast; an error (Errc::refused) while it is live or still being written.
  Result<bool> remove(int64_t id);
  void enforce_retention(int64_t now_ms);

 private:
  struct Active {
    BroadcastRef ref;
    std::unique_ptr<Recorder> recorder;  // nullptr when not recorded
  };
  struct Finishing {
    std::string stream;
    std::unique_ptr<Recorder> recorder;
  };

  void on_recording_closed(int64_t id, const RecordingStatus& status);
  void not_recorded(const std::string& stream, std::string why);
  void repair(const Broadcast& broadcast);
  void remove_files(const Broadcast& broadcast);

  uv_loop_t* loop_;
  BroadcastStore& store_;
  RecordingOptions options_;
  FinishedCallback on_finished_;
  std::map<std::string, Active, std::less<>> active_;  // by stream name
  std::map<int64_t, Finishing> finishing_;             // by broadcast id: the VOD being written
  std::map<std::string, RecordingStatus, std::less<>> last_status_;
  // Recorders whose last callback is running; destroyed at the next tick, outside it.
  std::vector<std::unique_ptr<Recorder>> retired_;
  int64_t last_retention_ms_ = 0;
  DiskWriter removals_;  // folder removals, in order, off the loop
};

}  // namespace liverelay
