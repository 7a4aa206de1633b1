// Start-up repair of a recording cut short: the listed segments on disk become a VOD.
#include "server/record/recording_repair.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "codec/hls/playlist_parser.hpp"
#include "codec/hls/recording_playlist.hpp"
#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;
using liverelay::testing::read_file;
using liverelay::testing::TempDir;

namespace {

constexpr int64_t kStartMs = 1795669800123;

// A recording as a crash leaves it: `listed` segments in an EVENT playlist, `on_disk` of them
// written (a half-written one beyond is not listed).
void crashed_recording(const std::filesystem::path& folder, int listed, int on_disk) {
  std::filesystem::create_directories(folder);
  hls::RecordingPlaylist playlist(hls::SegmentFormat::ts, 2.0);
  for (int i = 0; i < listed; ++i) {
    playlist.append(hls::SegmentEntry{.uri = "b1-" + std::to_string(i) + ".ts", .duration_ms = 2000,
                                      .program_date_time_ms = kStartMs + i * 2000,
                                      .discontinuity = false,
                                      .init_uri = {}});
  }
  std::ofstream(folder / "index.m3u8") << playlist.write();
  for (int i = 0; i < on_disk; ++i) std::ofstream(folder / ("b1-" + std::to_string(i) + ".ts")) << std::string(1000, 'x');
  std::ofstream(folder / ("b1-" + std::to_string(listed) + ".ts")) << "half";  // never listed
}

}  // namespace

TEST_CASE("repair closes the playlist with the segments on disk, as a VOD", "[record]") {
  TempDir dir;
  const auto folder = dir.path() / "recordings" / "cam" / "7";
  crashed_recording(folder, 3, 3);
  const RepairedRecording repaired = repair_recording(folder);
  CHECK(repaired.state == "partial");
  CHECK(repaired.duration_ms == 6000);
  CHECK(repaired.bytes == 3000);
  CHECK(repaired.media_end_ms == kStartMs + 6000);
  const auto parsed = hls::parse_media_playlist(read_file(folder / "index.m3u8"));
  REQUIRE(parsed);
  CHECK(parsed->ended);
  CHECK(parsed->segments.size() == 3);
  CHECK(read_file(folder / "index.m3u8").find("#EXT-X-PLAYLIST-TYPE:VOD\n") != std::string::npos);
}

TEST_CASE("repair leaves out a listed segment that is missing, behind a discontinuity", "[record]") {
  TempDir dir;
  const auto folder = dir.path() / "r";
  crashed_recording(folder, 3, 3);
  std::filesystem::remove(folder / "b1-1.ts");
  const RepairedRecording repaired = repair_recording(folder);
  CHECK(repaired.state == "partial");
  CHECK(repaired.duration_ms == 4000);
  CHECK(repaired.problem == "segment b1-1.ts missing");
  const auto parsed = hls::parse_media_playlist(read_file(folder / "index.m3u8"));
  REQUIRE(parsed);
  REQUIRE(parsed->segments.size() == 2);
  CHECK(parsed->segments[1].uri == "b1-2.ts");
  CHECK(parsed->segments[1].discontinuity);
}

TEST_CASE("a recording with nothing playable is empty and its folder goes", "[record]") {
  TempDir dir;
  const auto folder = dir.path() / "r";
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "b1-0.ts") << "half";  // written, never listed
  const RepairedRecording repaired = repair_recording(folder);
  CHECK(repaired.state == "empty");
  CHECK(repaired.problem == "no playlist");
  CHECK_FALSE(std::filesystem::exists(folder));
}
