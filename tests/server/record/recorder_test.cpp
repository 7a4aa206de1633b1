// Recorder on a real loop and thread pool: a failed write (a full disk) stops the recording.
#include "server/record/recorder.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;
using liverelay::testing::read_file;
using liverelay::testing::TempDir;

// Loop and kStartMs are also names in disk_writer_test.cpp, recording_repair_test.cpp and others: a
// namespace of its own keeps each file's apart when a unity build compiles them as one.
namespace recorder_test {
namespace {

constexpr int64_t kStartMs = 1'732'480'000'000;

struct Loop {
  uv_loop_t loop{};
  Loop() { uv_loop_init(&loop); }
  ~Loop() {
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
  void run() { uv_run(&loop, UV_RUN_DEFAULT); }
};

// Segment `n` of a TS recording: 2 s, 1000 bytes.
void record_segment(Recorder& recorder, int n) {
  hls::SegmentEntry entry;
  entry.uri = "b-seg-" + std::to_string(n) + ".ts";
  entry.duration_ms = 2000;
  entry.program_date_time_ms = kStartMs + 2000 * n;
  recorder.on_segment(ListedSegment{entry, hls::in_memory_segment(media::Buffer(1000, 0x47)), nullptr});
}

// Puts a file where the recording's folder is (its writes fail: not a directory) and back.
struct Obstacle {
  std::filesystem::path folder, aside;
  void place() {
    std::filesystem::rename(folder, aside);
    std::ofstream(folder) << "x";
  }
  void remove() {
    std::filesystem::remove(folder);
    std::filesystem::rename(aside, folder);
  }
};

}  // namespace

TEST_CASE("the first failed write stops the recording: later segments are not written", "[record]") {
  TempDir dir;
  Loop loop;
  const auto folder = dir.path() / "recordings" / "cam" / "1";
  Obstacle obstacle{folder, dir.path() / "aside"};
  Recorder recorder(&loop.loop, folder, hls::SegmentFormat::ts, 2.0, 7'200'000);

  record_segment(recorder, 0);
  loop.run();
  CHECK(recorder.status().state == "recording");
  CHECK(recorder.status().segments == 1);
  CHECK(recorder.status().bytes == 1000);

  obstacle.place();
  record_segment(recorder, 1);
  loop.run();
  CHECK(recorder.status().state == "failed");
  CHECK(recorder.status().errors == 1);
  CHECK(recorder.status().last_error == "open b-seg-1.ts: Not a directory");

  // Writing would work again; the recording stays stopped rather than resume after a hole.
  obstacle.remove();
  record_segment(recorder, 2);
  loop.run();
  CHECK_FALSE(std::filesystem::exists(folder / "b-seg-2.ts"));
  CHECK(recorder.status().errors == 1);
  CHECK(recorder.status().segments == 1);
  CHECK(recorder.status().bytes == 1000);

  // What was written before the failure closes as a VOD: partial, not complete.
  std::string final_state;
  recorder.finish([&](const RecordingStatus& status) { final_state = status.state; });
  loop.run();
  CHECK(final_state == "partial");
  const std::string vod = read_file(folder / Recorder::kPlaylistName);
  CHECK(vod.find("b-seg-0.ts") != std::string::npos);
  CHECK(vod.find("b-seg-1.ts") == std::string::npos);
  CHECK(vod.find("#EXT-X-ENDLIST") != std::string::npos);
}

TEST_CASE("a recording that failed before its first segment closes as failed, not empty", "[record]") {
  TempDir dir;
  Loop loop;
  std::ofstream(dir.path() / "not-a-folder") << "x";
  Recorder recorder(&loop.loop, dir.path() / "not-a-folder" / "1", hls::SegmentFormat::ts, 2.0, 7'200'000);
  record_segment(recorder, 0);
  record_segment(recorder, 1);  // queued before the first one failed: its failure is counted, not logged
  loop.run();
  CHECK(recorder.status().state == "failed");
  CHECK(recorder.status().errors == 2);
  std::string final_state;
  recorder.finish([&](const RecordingStatus& status) { final_state = status.state; });
  loop.run();
  CHECK(final_state == "failed");
}

}  // namespace recorder_test
