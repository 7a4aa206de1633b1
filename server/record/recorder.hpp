// The recording of one broadcast: the segments the live HLS lists, written as files into the
// broadcast's folder, and its playlist rewritten after each (EVENT while live, VOD at the end).
// The first failed write (a full disk) stops the recording, said once in the log and in its
// status; what is on disk stays playable, and the live stream never notices.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <uv.h>

#include "codec/hls/recording_playlist.hpp"
#include "server/hls/hls_packager.hpp"
#include "server/record/disk_writer.hpp"

namespace liverelay {

struct RecordingStatus {
  // recording, failed (a write failed: nothing more is written), finishing, then complete,
  // partial (stopped early, its VOD playlist written), empty or failed
  std::string state = "recording";
  uint64_t bytes = 0;               // written to disk
  uint64_t segments = 0;            // written and listed
  uint64_t errors = 0;              // writes that failed (the first stops the recording)
  std::string last_error;
};

class Recorder {
 public:
  static constexpr std::string_view kPlaylistName = "index.m3u8";

  Recorder(uv_loop_t* loop, std::filesystem::path folder, hls::SegmentFormat format, double segment_s,
           int64_t dvr_window_ms);

  void on_segment(const ListedSegment& segment);
  // The broadcast ended: once every segment is written, the playlist is rewritten as a VOD
  // (ENDLIST) and `done` runs on the loop with the final status.
  void finish(std::function<void(const RecordingStatus&)> done);

  [[nodiscard]] const RecordingStatus& status() const { return status_; }
  [[nodiscard]] int64_t duration_ms() const { return playlist_.duration_ms(); }
  // The live rewind playlist (the DVR window of the recording); nullptr before a segment.
  [[nodiscard]] std::shared_ptr<const std::string> dvr_playlist() const { return dvr_text_; }

 private:
  void on_segment_written(hls::SegmentEntry entry, size_t size, const Result<void>& outcome);
  void count(const Result<void>& outcome, size_t size);
  void write_playlist(std::function<void(const Result<void>&)> done = {});

  std::filesystem::path folder_;
  int64_t dvr_window_ms_;
  hls::RecordingPlaylist playlist_;
  std::shared_ptr<const std::string> dvr_text_;
  RecordingStatus status_;
  bool stopped_ = false;  // a write failed: no more segments are written
  DiskWriter writer_;  // last: destroyed first, so no write reports to a half-destroyed recorder
};

}  // namespace liverelay
