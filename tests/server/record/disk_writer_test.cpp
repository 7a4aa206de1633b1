// DiskWriter on a real loop and thread pool: order kept, atomic replacement, errors as values.
#include "server/record/disk_writer.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;
using liverelay::testing::read_file;
using liverelay::testing::TempDir;

// Loop is also the name of net/worker_thread_test.cpp's and recorder_test.cpp's loops: a namespace
// of its own keeps each file's apart when a unity build compiles them as one.
namespace disk_writer_test {
namespace {

hls::SharedSegmentBytes bytes_of(const std::string& text) {
  return hls::in_memory_segment(media::Buffer(text.begin(), text.end()));
}

struct Loop {
  uv_loop_t loop{};
  Loop() { uv_loop_init(&loop); }
  ~Loop() {
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
};

}  // namespace

TEST_CASE("disk writer runs jobs in order off the loop and reports each on the loop", "[record]") {
  TempDir dir;
  Loop loop;
  std::vector<std::string> reports;
  {
    DiskWriter writer(&loop.loop);
    const auto folder = dir.path() / "recordings" / "cam" / "1";  // made on the first write
    writer.write_file(folder / "a.ts", bytes_of("segment a"), [&](const Result<void>& r) {
      reports.push_back(r ? "a" : r.error().message);
    });
    writer.replace_file(folder / "index.m3u8", std::make_shared<const std::string>("one"),
                        [&](const Result<void>& r) { reports.push_back(r ? "playlist 1" : r.error().message); });
    writer.replace_file(folder / "index.m3u8", std::make_shared<const std::string>("two"),
                        [&](const Result<void>& r) { reports.push_back(r ? "playlist 2" : r.error().message); });
    writer.then([&](const Result<void>&) { reports.push_back("then"); });
    CHECK_FALSE(writer.idle());
    CHECK(reports.empty());  // nothing is written on the caller's stack
    uv_run(&loop.loop, UV_RUN_DEFAULT);
    CHECK(writer.idle());
    CHECK(read_file(folder / "a.ts") == "segment a");
    CHECK(read_file(folder / "index.m3u8") == "two");
    CHECK_FALSE(std::filesystem::exists(folder / "index.m3u8.tmp"));

    writer.remove_tree(dir.path() / "recordings" / "cam", [&](const Result<void>& r) { reports.push_back(r ? "removed" : "x"); });
    uv_run(&loop.loop, UV_RUN_DEFAULT);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "recordings" / "cam"));
  }
  CHECK(reports == std::vector<std::string>{"a", "playlist 1", "playlist 2", "then", "removed"});
}

TEST_CASE("a failed write is an error naming the file and the cause; later jobs still run", "[record]") {
  TempDir dir;
  Loop loop;
  std::ofstream(dir.path() / "not-a-folder") << "x";
  std::vector<std::string> reports;
  DiskWriter writer(&loop.loop);
  writer.write_file(dir.path() / "not-a-folder" / "a.ts", bytes_of("a"),
                    [&](const Result<void>& r) { reports.push_back(r ? "ok" : r.error().message); });
  writer.write_file(dir.path() / "b.ts", bytes_of("b"), [&](const Result<void>& r) { reports.push_back(r ? "ok" : "x"); });
  uv_run(&loop.loop, UV_RUN_DEFAULT);
  REQUIRE(reports.size() == 2);
  CHECK(reports[0] == "open a.ts: Not a directory");
  CHECK(reports[1] == "ok");
}

TEST_CASE("jobs given before the writer is destroyed still complete, reporting to nobody", "[record]") {
  TempDir dir;
  Loop loop;
  bool reported = false;
  {
    DiskWriter writer(&loop.loop);
    for (int i = 0; i < 5; ++i) {
      writer.write_file(dir.path() / (std::to_string(i) + ".ts"), bytes_of("x"), [&](const Result<void>&) { reported = true; });
    }
  }
  uv_run(&loop.loop, UV_RUN_DEFAULT);
  CHECK_FALSE(reported);
  for (int i = 0; i < 5; ++i) CHECK(read_file(dir.path() / (std::to_string(i) + ".ts")) == "x");
}

}  // namespace disk_writer_test
