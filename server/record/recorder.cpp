// Recorder: segment files first, then the playlist that lists them, in that order on disk.
#include "server/record/recorder.hpp"

#include "server/logging.hpp"

namespace liverelay {

Recorder::Recorder(uv_loop_t* loop, std::filesystem::path folder, hls::SegmentFormat format, double segment_s,
                   int64_t dvr_window_ms)
    : folder_(std::move(folder)), dvr_window_ms_(dvr_window_ms), playlist_(format, segment_s), writer_(loop) {}

void Recorder::on_segment(const ListedSegment& segment) {
  // After a failed write the disk is most likely full: every later write would fail too, each
  // leaving a hole in the replay. Stopping keeps what was written a clean, playable recording.
  if (stopped_) return;
  if (segment.init) {
    const size_t size = segment.init->size();
    writer_.write_file(folder_ / segment.entry.init_uri, segment.init,
                       [this, size](const Result<void>& outcome) { count(outcome, size); });
  }
  // A replay lists whole segments: the live playlist's parts, kept for every segment of the
  // broadcast, would be most of the recording's memory.
  hls::SegmentEntry entry = segment.entry;
  entry.parts.clear();
  entry.parts.shrink_to_fit();
  const size_t size = segment.bytes ? segment.bytes->size() : 0;
  auto path = folder_ / entry.uri;  // before `entry` moves into the callback
  writer_.write_file(std::move(path), segment.bytes,
                     [this, entry = std::move(entry), size](const Result<void>& outcome) mutable {
                       on_segment_written(std::move(entry), size, outcome);
                     });
}

// Only segments on disk are listed: a replay never names a file that is not there.
void Recorder::on_segment_written(hls::SegmentEntry entry, size_t size, const Result<void>& outcome) {
  count(outcome, size);
  // Queued before a write that failed, a segment would follow a hole: it is left out.
  if (!outcome || stopped_) return;
  playlist_.append(std::move(entry));
  ++status_.segments;
  dvr_text_ = std::make_shared<const std::string>(playlist_.write_window(dvr_window_ms_));
  write_playlist();
}

void Recorder::count(const Result<void>& outcome, size_t size) {
  if (outcome) {
    status_.bytes += size;
    return;
  }
  ++status_.errors;
  status_.last_error = outcome.error().message;
  if (stopped_) {
    logger("record")->debug("{}: {}", folder_.string(), outcome.error().message);
    return;
  }
  stopped_ = true;
  status_.state = "failed";
  logger("record")->error("{}: recording stopped ({} segments kept), the live stream goes on: {}", folder_.string(),
                          status_.segments, outcome.error().message);
}

void Recorder::write_playlist(std::function<void(const Result<void>&)> done) {
  // Media bytes only are counted: the playlist is a small fraction of a recording.
  writer_.replace_file(folder_ / kPlaylistName, std::make_shared<const std::string>(playlist_.write()),
                       [this, done = std::move(done)](const Result<void>& outcome) {
                         if (!outcome) count(outcome, 0);
                         if (done) done(outcome);
                       });
}

void Recorder::finish(std::function<void(const RecordingStatus&)> done) {
  status_.state = "finishing";
  // After the writes already queued have reported, so that the VOD lists every segment on disk.
  writer_.then([this, done = std::move(done)](const Result<void>&) {
    playlist_.end();
    dvr_text_.reset();
    if (playlist_.size() == 0) {
      status_.state = stopped_ ? "failed" : "empty";
      done(status_);
      return;
    }
    // Stopped early, the segments on disk still make a VOD: worth the try, a playlist is small.
    const bool stopped = stopped_;
    write_playlist([this, done, stopped](const Result<void>& outcome) {
      status_.state = !outcome ? "failed" : stopped ? "partial" : "complete";
      done(status_);
    });
  });
}

}  // namespace liverelay
