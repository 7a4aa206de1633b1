// Tests for the low-latency HLS packager on real media: parts listed as they are produced,
// segments that are exactly their parts, and a playlist that keeps the spec's promises.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <regex>
#include <string>
#include <vector>

#include "server/hls/hls_packager.hpp"
#include "tests/server/storage/temp_dir.hpp"
#include "tests/codec/hls/av_probe.hpp"
#include "tests/codec/hls/flv_file.hpp"

using namespace liverelay;

namespace {

constexpr int64_t kWallStartMs = 1795669800000;

struct ListedPart {
  std::string uri;
  double duration_s = 0;
  bool independent = false;
};

struct PlaylistSegment {
  std::string uri;
  std::vector<ListedPart> parts;
};

// The segments of a low-latency playlist with the parts listed before each (the open segment
// last, with an empty URI).
std::vector<PlaylistSegment> parse(const std::string& text) {
  static const std::regex part_line(R"(#EXT-X-PART:DURATION=([0-9.]+),URI="([^"]+)\"(,INDEPENDENT=YES)?)");
  std::vector<PlaylistSegment> segments(1);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, part_line)) {
      segments.back().parts.push_back({match[2], std::stod(match[1]), match[3].matched});
    } else if (!line.empty() && line[0] != '#') {
      segments.back().uri = line;
      segments.emplace_back();
    }
  }
  return segments;
}

std::vector<uint8_t> bytes_of(const HlsPackager& packager, const std::string& uri) {
  auto stored = packager.find(uri);
  REQUIRE(stored);
  const auto view = stored->bytes->view();
  return {view.begin(), view.end()};
}

HlsOptions low_latency_options() {
  HlsOptions options;
  options.format = hls::SegmentFormat::fmp4;
  options.segment_s = 1.0;
  options.window = 10;
  options.part_s = 0.2;
  return options;
}

}  // namespace

TEST_CASE("low-latency packager lists parts as they come and segments are their parts", "[hls][ll]") {
  const auto flv = testing::read_flv_file("h264_aac_320x180_3s.flv");
  // Finished segments served from the assembler's memory file, or copied to a file on disk.
  testing::TempDir dir;
  const bool segment_files = GENERATE(false, true);
  auto options = low_latency_options();
  if (segment_files) options.segment_file_directory = dir.path().string();
  HlsPackager packager("cam", "b1", options);
  packager.on_config(flv.video, flv.audio);
  int updates = 0;
  packager.on_update([&] {
    ++updates;
    return false;  // keep listening
  });
  std::vector<size_t> parts_seen;
  for (const auto& packet : flv.packets) {
    packager.on_packet(packet, kWallStartMs + packet.dts_ms, 0);
    if (auto text = packager.playlist()) parts_seen.push_back(parse(*text).back().parts.size());
  }
  REQUIRE(packager.playlist());
  const std::string live = *packager.playlist();
  CHECK(live.find("#EXT-X-PART-INF:PART-TARGET=0.200\n") != std::string::npos);
  CHECK(live.find("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"b1-part-") != std::string::npos);
  CHECK(packager.low_latency());
  // The open segment grew part by part (not all at once at its end).
  CHECK(std::find(parts_seen.begin(), parts_seen.end(), 1) != parts_seen.end());
  CHECK(std::find(parts_seen.begin(), parts_seen.end(), 2) != parts_seen.end());

  packager.end();
  const auto segments = parse(*packager.playlist());
  REQUIRE(segments.size() >= 3);  // 3 s of 1 s GOPs, plus the empty tail
  int part_count = 0;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    const auto& segment = segments[i];
    REQUIRE_FALSE(segment.parts.empty());
    CHECK(segment.parts.front().independent);
    std::vector<uint8_t> joined;
    for (const auto& part : segment.parts) {
      CHECK(part.duration_s <= 0.2);
      const auto bytes = bytes_of(packager, part.uri);
      joined.insert(joined.end(), bytes.begin(), bytes.end());
      ++part_count;
    }
    CHECK(joined == bytes_of(packager, segment.uri));  // the segment is its parts
    const int fd = packager.find(segment.uri)->bytes->file_descriptor();
    REQUIRE(fd >= 0);  // sendfile() serves it
    const auto file = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd)).string();
    CHECK(file.rfind(dir.path().string(), 0) == (segment_files ? 0 : std::string::npos));
  }
  CHECK(updates >= part_count);

  // The first segment plays on its own after the init segment, audio and video both there.
  auto init = bytes_of(packager, "b1-init-0.mp4");
  const auto first = bytes_of(packager, segments[0].uri);
  init.insert(init.end(), first.begin(), first.end());
  const auto probe = testing::probe_bytes(init, "mp4");
  CHECK(probe.error.empty());
  CHECK(probe.types.size() == 2);
  CHECK(probe.packets.size() > 40);
}

TEST_CASE("low-latency packager answers waiters until they are done, and at the end", "[hls][ll]") {
  const auto flv = testing::read_flv_file("h264_aac_320x180_3s.flv");
  HlsPackager packager("cam", "b1", low_latency_options());
  packager.on_config(flv.video, flv.audio);
  int calls = 0;
  packager.on_update([&] { return ++calls == 2; });
  size_t fed = 0;
  for (; fed < flv.packets.size() / 2; ++fed) packager.on_packet(flv.packets[fed], kWallStartMs, 0);
  CHECK(calls == 2);  // done after its second call: never called again

  bool told_of_end = false;
  packager.on_update([&] {
    told_of_end = packager.ended();
    return told_of_end;
  });
  packager.end();
  CHECK(told_of_end);
}

TEST_CASE("standard packager lists no parts", "[hls][ll]") {
  const auto flv = testing::read_flv_file("h264_aac_320x180_3s.flv");
  auto options = low_latency_options();
  options.part_s = 0;
  HlsPackager packager("cam", "b1", options);
  packager.on_config(flv.video, flv.audio);
  for (const auto& packet : flv.packets) packager.on_packet(packet, kWallStartMs, 0);
  REQUIRE(packager.playlist());
  CHECK(packager.playlist()->find("EXT-X-PART") == std::string::npos);
  CHECK_FALSE(packager.low_latency());
}
