// Recorder: segment files first, then the playlist that lists them, in that order on disk.
#include "server/record/recorder.hpp"

#include "server/logging.hpp"

namespace liverelay {

Recorder::Recorder(uv_loop_t* loop, std::filesystem::path folder, hls::SegmentFormat format, double segment_s,
                   int64_t dvr_window_ms)
    : folder_(std::move(folder)), dvr_window_ms_(dvr_window_ms), playlist_(format, segment_s), writer_(loop) {}

void Recorder::on_segment(const ListedSegment& segment) {
  if (segment.init) {
    const size_t size = segment.init->size();
    writer_.write_file(folder_ / segment.entry.init_uri, segment.init,
                       [this, size](const Result<void>& outcome) { count(outcome, size); });
  }
  const size_t size = segment.bytes ? segment.bytes->size() : 0;
  writer_.write_file(folder_ / segment.entry.uri, segment.bytes,
                     [this, entry = segment.entry, size](const Result<void>& outcome) {
                       on_segment_written(entry, size, outcome);
                     });
}

// Only segments on disk are listed: a replay never names a file that is not there.
void Recorder::on_segment_written(hls::SegmentEntry entry, size_t size, const Result<void>& outcome) {
  count(outcome, size);
  if (!outcome) {
    gap_ = true;
    return;
  }
  entry.discontinuity = entry.discontinuity || gap_;
  gap_ = false;
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
  logger("record")->warn("{}: {}", folder_.string(), outcome.error().message);
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
      status_.state = "empty";
      done(status_);
      return;
    }
    write_playlist([this, done](const Result<void>& outcome) {
      status_.state = outcome ? "complete" : "failed";
      done(status_);
    });
  });
}

}  // namespace liverelay
