// Recording repair: the listed segments that are on disk, rewritten as a VOD playlist.
#include "server/record/recording_repair.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "codec/hls/playlist_parser.hpp"
#include "codec/hls/recording_playlist.hpp"
#include "server/record/disk_writer.hpp"
#include "server/record/recorder.hpp"

namespace liverelay {
namespace {

// The size of a regular file, or 0 when it is missing or empty.
int64_t size_on_disk(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return 0;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

RepairedRecording repair_recording(const std::filesystem::path& folder) {
  RepairedRecording repaired;
  const auto playlist_path = folder / Recorder::kPlaylistName;
  hls::ParsedPlaylist parsed;
  if (auto text = read_text(playlist_path)) {
    if (auto read = hls::parse_media_playlist(*text)) parsed = std::move(*read);
    else repaired.problem = read.error().message;
  } else {
    repaired.problem = "no playlist";
  }
  const bool fmp4 = !parsed.segments.empty() && !parsed.segments.front().init_uri.empty();
  hls::RecordingPlaylist playlist(fmp4 ? hls::SegmentFormat::fmp4 : hls::SegmentFormat::ts, 1.0);
  std::set<std::string> inits_counted;
  bool gap = false;
  for (auto& segment : parsed.segments) {
    const int64_t size = size_on_disk(folder / segment.uri);
    const int64_t init_size = segment.init_uri.empty() ? 1 : size_on_disk(folder / segment.init_uri);
    if (size == 0 || init_size == 0) {
      gap = true;
      repaired.problem = "segment " + segment.uri + " missing";
      continue;
    }
    repaired.bytes += size;
    if (!segment.init_uri.empty() && inits_counted.insert(segment.init_uri).second) repaired.bytes += init_size;
    repaired.media_end_ms = segment.program_date_time_ms + segment.duration_ms;
    segment.discontinuity = segment.discontinuity || gap;
    gap = false;
    playlist.append(std::move(segment));
  }
  repaired.duration_ms = playlist.duration_ms();
  if (playlist.size() == 0) {
    repaired.state = "empty";
    std::error_code ec;
    std::filesystem::remove_all(folder, ec);
    return repaired;
  }
  playlist.end();
  if (auto written = replace_file_now(playlist_path, playlist.write()); !written) {
    repaired.state = "failed";
    repaired.problem = written.error().message;
    return repaired;
  }
  repaired.state = "partial";
  return repaired;
}

}  // namespace liverelay
