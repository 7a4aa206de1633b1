// Recordings: broadcast rows and their recorders, from begin to removal.
#include "server/record/recordings.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "server/clock.hpp"
#include "server/logging.hpp"
#include "server/record/recording_repair.hpp"
#include "server/stream/publish_auth.hpp"

namespace liverelay {
namespace {

constexpr int64_t kRetentionEveryMs = 10'000;

// Stream names become folder names only when they are plain (open mode checks that already;
// a configured name could hold anything): otherwise they are spelt in hex.
std::string folder_name(const std::string& stream) {
  if (is_valid_stream_name(stream)) return stream;
  std::string hex = "_";
  for (const unsigned char c : stream.substr(0, 64)) hex += fmt::format("{:02x}", c);
  return hex;
}

std::string relative_folder(const std::string& stream, int64_t id) {
  return fmt::format("recordings/{}/{}", folder_name(stream), id);
}

}  // namespace

std::string replay_playlist_url(const std::string& stream, int64_t broadcast_id) {
  return fmt::format("/live/{}/replay/{}/{}", stream, broadcast_id, Recorder::kPlaylistName);
}

Recordings::Recordings(uv_loop_t* loop, BroadcastStore& store, RecordingOptions options,
                       FinishedCallback on_finished)
    : loop_(loop), store_(store), options_(std::move(options)), on_finished_(std::move(on_finished)),
      removals_(loop) {}

Recordings::~Recordings() = default;

HlsPackager::SegmentListener Recordings::on_broadcast_begin(const std::string& stream, int64_t started_at_ms) {
  if (active_.contains(stream)) on_broadcast_end(stream, started_at_ms);  // never two at once
  auto id = store_.begin(stream, started_at_ms);
  if (!id) {
    logger("record")->error("{}: broadcast not indexed: {}", stream, id.error().message);
    not_recorded(stream, "broadcast not indexed: " + id.error().message);
    return {};
  }
  Active active{BroadcastRef{*id, started_at_ms}, nullptr};
  if (options_.enabled) {
    const std::string folder = relative_folder(stream, *id);
    if (auto set = store_.set_recording(*id, "recording", folder); !set) {
      logger("record")->error("{}: broadcast {} not recorded: {}", stream, *id, set.error().message);
      not_recorded(stream, "broadcast not recorded: " + set.error().message);
    } else {
      active.recorder = std::make_unique<Recorder>(loop_, options_.data_dir / folder, options_.format,
                                                   options_.segment_s, options_.dvr_window_ms);
      logger("record")->info("{}: recording broadcast {} in {}", stream, *id, folder);
    }
  }
  const bool recorded = active.recorder != nullptr;
  active_.emplace(stream, std::move(active));
  if (!recorded) return {};
  // By name: the listener may outlive this broadcast's entry, never the entry of another one
  // (a stream's next broadcast gets a new packager).
  return [this, stream](const ListedSegment& segment) {
    if (auto it = active_.find(stream); it != active_.end() && it->second.recorder) {
      it->second.recorder->on_segment(segment);
    }
  };
}

void Recordings::on_broadcast_end(const std::string& stream, int64_t ended_at_ms) {
  auto it = active_.find(stream);
  if (it == active_.end()) return;
  Active active = std::move(it->second);
  active_.erase(it);
  const int64_t id = active.ref.id;
  if (auto ended = store_.end(id, std::max(ended_at_ms, active.ref.started_at_ms)); !ended) {
    logger("record")->error("{}: broadcast {} end not stored: {}", stream, id, ended.error().message);
  }
  if (!active.recorder) return;
  Recorder& recorder = *active.recorder;
  finishing_.emplace(id, Finishing{stream, std::move(active.recorder)});
  recorder.finish([this, id](const RecordingStatus& status) { on_recording_closed(id, status); });
}

void Recordings::on_recording_closed(int64_t id, const RecordingStatus& status) {
  auto it = finishing_.find(id);
  if (it == finishing_.end()) return;
  const std::string stream = it->second.stream;
  const int64_t duration_ms = it->second.recorder->duration_ms();
  last_status_[stream] = status;
  retired_.push_back(std::move(it->second.recorder));  // its callback is still on the stack
  finishing_.erase(it);
  if (auto closed = store_.close_recording(id, status.state, duration_ms, static_cast<int64_t>(status.bytes));
      !closed) {
    logger("record")->error("{}: broadcast {} recording not indexed: {}", stream, id, closed.error().message);
  }
  logger("record")->info("{}: broadcast {} recording {}: {:.1f} s, {} bytes, {} write errors", stream, id,
                         status.state, static_cast<double>(duration_ms) / 1000.0, status.bytes, status.errors);
  if (status.segments == 0) {  // empty, or failed before its first segment: nothing to keep
    if (auto found = store_.find(id); found && *found) remove_files(**found);
  }
  if (status.state == "complete" && on_finished_) {
    on_finished_(FinishedRecording{stream, id, duration_ms, static_cast<int64_t>(status.bytes)});
  }
  enforce_retention(wall_ms());
}

// The stats tell why a broadcast that should have been recorded is not (the index on a full disk).
void Recordings::not_recorded(const std::string& stream, std::string why) {
  if (!options_.enabled) return;
  last_status_[stream] = RecordingStatus{"failed", 0, 0, 1, std::move(why)};
}

std::optional<BroadcastRef> Recordings::current(const std::string& stream) const {
  auto it = active_.find(stream);
  if (it == active_.end()) return std::nullopt;
  return it->second.ref;
}

std::optional<RecordingStatus> Recordings::status(const std::string& stream) const {
  if (auto it = active_.find(stream); it != active_.end() && it->second.recorder) {
    return it->second.recorder->status();
  }
  for (const auto& [id, finishing] : finishing_) {
    if (finishing.stream == stream) return finishing.recorder->status();
  }
  if (auto it = last_status_.find(stream); it != last_status_.end()) return it->second;
  return std::nullopt;
}

const Recorder* Recordings::open_recording(int64_t id) const {
  for (const auto& [stream, active] : active_) {
    if (active.ref.id == id) return active.recorder.get();
  }
  auto it = finishing_.find(id);
  return it == finishing_.end() ? nullptr : it->second.recorder.get();
}

bool Recordings::is_open(int64_t id) const {
  const bool live = std::any_of(active_.begin(), active_.end(), [&](const auto& entry) { return entry.second.ref.id == id; });
  return live || finishing_.contains(id);
}

std::optional<std::filesystem::path> Recordings::folder_of(const Broadcast& broadcast) const {
  if (!broadcast.recording_path) return std::nullopt;
  const std::filesystem::path relative(*broadcast.recording_path);
  // The index is ours, but a path that would leave the recordings folder is never used.
  if (relative.is_absolute() || relative.empty() || *relative.begin() != "recordings") return std::nullopt;
  for (const auto& part : relative) {
    if (part == ".." || part == ".") return std::nullopt;
  }
  return options_.data_dir / relative;
}

Result<bool> Recordings::remove(int64_t id) {
  if (is_open(id)) return fail(Errc::refused, "the broadcast is live or its recording is still being written");
  auto found = store_.find(id);
  if (!found) return tl::unexpected(std::move(found.error()));
  if (!*found) return false;
  auto removed = store_.remove(id);
  if (!removed) return tl::unexpected(std::move(removed.error()));
  remove_files(**found);
  return *removed;
}

void Recordings::remove_files(const Broadcast& broadcast) {
  auto folder = folder_of(broadcast);
  if (!folder) return;
  removals_.remove_tree(*folder, [stream = broadcast.stream, id = broadcast.id](const Result<void>& outcome) {
    if (!outcome) logger("record")->warn("{}: broadcast {} files not removed: {}", stream, id, outcome.error().message);
  });
}

void Recordings::tick(int64_t now_ms) {
  retired_.clear();
  if (now_ms - last_retention_ms_ < kRetentionEveryMs && now_ms >= last_retention_ms_) return;
  enforce_retention(now_ms);
}

void Recordings::enforce_retention(int64_t now_ms) {
  last_retention_ms_ = now_ms;
  if (options_.retention.max_age_ms <= 0 && options_.retention.max_bytes <= 0) return;
  auto recorded = store_.recorded();
  if (!recorded) {
    logger("record")->error("retention: {}", recorded.error().message);
    return;
  }
  std::vector<RetentionCandidate> candidates;
  for (const Broadcast& broadcast : *recorded) {
    RetentionCandidate candidate{broadcast.id, broadcast.started_at_ms, broadcast.ended_at_ms.value_or(now_ms),
                                 broadcast.bytes, is_open(broadcast.id)};
    if (const Recorder* recorder = open_recording(broadcast.id)) {
      candidate.bytes = static_cast<int64_t>(recorder->status().bytes);
    }
    candidates.push_back(candidate);
  }
  for (const int64_t id : choose_expired(candidates, now_ms, options_.retention)) {
    auto removed = remove(id);
    if (!removed) logger("record")->error("retention: broadcast {}: {}", id, removed.error().message);
    else logger("record")->info("retention: broadcast {} removed", id);
  }
}

void Recordings::recover(int64_t now_ms) {
  auto open = store_.unfinished();
  if (!open) {
    logger("record")->error("recovery: {}", open.error().message);
    return;
  }
  for (const Broadcast& broadcast : *open) repair(broadcast);
  if (auto closed = store_.close_unfinished(now_ms); closed && *closed > 0) {
    logger("record")->warn("{} broadcast(s) left open by an earlier run closed", *closed);
  }
  enforce_retention(now_ms);
}

// A recording still marked "recording" was cut short: keep what is on disk, as a VOD.
void Recordings::repair(const Broadcast& broadcast) {
  if (broadcast.recording != "recording") return;
  auto folder = folder_of(broadcast);
  if (!folder) return;
  const RepairedRecording repaired = repair_recording(*folder);
  logger("record")->warn("{}: broadcast {} recording left open by an earlier run: {} ({:.1f} s kept{}{})",
                         broadcast.stream, broadcast.id, repaired.state,
                         static_cast<double>(repaired.duration_ms) / 1000.0, repaired.problem.empty() ? "" : "; ",
                         repaired.problem);
  if (auto closed = store_.close_recording(broadcast.id, repaired.state, repaired.duration_ms, repaired.bytes);
      !closed) {
    logger("record")->error("recovery: broadcast {}: {}", broadcast.id, closed.error().message);
  }
  if (!broadcast.ended_at_ms && repaired.media_end_ms) {
    (void)store_.end(broadcast.id, std::max(broadcast.started_at_ms, *repaired.media_end_ms));
  }
}

}  // namespace liverelay
