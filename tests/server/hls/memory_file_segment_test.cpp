// Tests for the files segments are served from: an unnamed file in the given directory (page
// cache, nothing left behind), a memory file without one or when the directory fails, and the
// same bytes through the mapping and the descriptor in every case.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "server/hls/memory_file_segment.hpp"
#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;

namespace {

std::vector<uint8_t> sample(size_t size) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 31 + 7);
  return bytes;
}

// What the descriptor points at, as /proc tells it.
std::string target_of(int fd) {
  return std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd)).string();
}

std::vector<uint8_t> read_through(int fd, size_t size) {
  std::vector<uint8_t> bytes(size);
  REQUIRE(pread(fd, bytes.data(), size, 0) == static_cast<ssize_t>(size));
  return bytes;
}

}  // namespace

TEST_CASE("a segment with a directory is an unnamed file there", "[hls]") {
  testing::TempDir dir;
  const auto bytes = sample(700 * 1024);
  const auto segment = memory_file_segment(bytes, "seg-1.m4s", dir.path().string());
  REQUIRE(segment);
  const auto view = segment->view();
  CHECK(std::vector<uint8_t>(view.begin(), view.end()) == bytes);
  const int fd = segment->file_descriptor();
  REQUIRE(fd >= 0);
  CHECK(target_of(fd).rfind(dir.path().string() + "/", 0) == 0);
  CHECK(target_of(fd).find("(deleted)") != std::string::npos);
  CHECK(read_through(fd, bytes.size()) == bytes);
  CHECK(std::filesystem::is_empty(dir.path()));  // no name to clean up after a crash
}

TEST_CASE("a segment without a usable directory is a memory file", "[hls]") {
  testing::TempDir dir;
  const auto bytes = sample(5000);
  const std::string missing = (dir.path() / "gone").string();
  for (const std::string& directory : {std::string(), missing}) {
    const auto segment = memory_file_segment(bytes, "seg-2.ts", directory);
    REQUIRE(segment);
    const int fd = segment->file_descriptor();
    REQUIRE(fd >= 0);
    CHECK(target_of(fd).rfind("/memfd:seg-2.ts", 0) == 0);
    CHECK(read_through(fd, bytes.size()) == bytes);
    const auto view = segment->view();
    CHECK(std::vector<uint8_t>(view.begin(), view.end()) == bytes);
  }
}

TEST_CASE("an empty segment needs no file", "[hls]") {
  testing::TempDir dir;
  const auto segment = memory_file_segment({}, "seg-3.ts", dir.path().string());
  REQUIRE(segment);
  CHECK(segment->view().empty());
  CHECK(segment->file_descriptor() < 0);
}
