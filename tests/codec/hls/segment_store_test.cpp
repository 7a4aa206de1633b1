// Tests for the bounded in-memory store of a stream's HLS segments.
#include "codec/hls/segment_store.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "codec/hls/playlist.hpp"

using liverelay::hls::MediaPlaylist;
using liverelay::hls::segment_uri;
using liverelay::hls::SegmentEntry;
using liverelay::hls::SegmentFormat;
using liverelay::hls::SegmentStore;
using liverelay::hls::SegmentStoreOptions;
using liverelay::hls::SharedSegmentBytes;

namespace {

SegmentStoreOptions store_options(size_t max_segments, size_t max_bytes = SegmentStoreOptions{}.max_bytes) {
  SegmentStoreOptions options;
  options.max_segments = max_segments;
  options.max_bytes = max_bytes;
  return options;
}


SharedSegmentBytes bytes(size_t size, uint8_t fill = 0x47) {
  return liverelay::hls::in_memory_segment(std::vector<uint8_t>(size, fill));
}

std::string ts(uint64_t sequence) {
  return segment_uri(SegmentFormat::ts, sequence);
}
std::string m4s(uint64_t sequence) {
  return segment_uri(SegmentFormat::fmp4, sequence);
}

}  // namespace

TEST_CASE("segment store finds a segment's bytes and content type by URI", "[hls]") {
  SegmentStore store;
  const auto data = bytes(188 * 3);
  store.put_segment("seg-0.ts", data, "video/mp2t");
  auto found = store.find("seg-0.ts");
  REQUIRE(found);
  CHECK(found->bytes == data);  // shared, not copied
  CHECK(found->content_type == "video/mp2t");
  CHECK_FALSE(store.find("seg-1.ts"));
  CHECK_FALSE(store.find("index.m3u8"));
}

TEST_CASE("segment store evicts the oldest segments beyond its count", "[hls]") {
  SegmentStore store(store_options(8));
  for (uint64_t i = 0; i < 12; ++i) store.put_segment(ts(i), bytes(1000), "video/mp2t");
  CHECK(store.segment_count() == 8);
  CHECK(store.total_bytes() == 8000);
  for (uint64_t i = 0; i < 4; ++i) CHECK_FALSE(store.find(ts(i)));
  for (uint64_t i = 4; i < 12; ++i) CHECK(store.find(ts(i)));
}

TEST_CASE("segment store evicts the oldest segments over its byte cap but keeps the newest", "[hls]") {
  SegmentStore store(store_options(8, 2500));
  store.put_segment(ts(0), bytes(1000), "video/mp2t");
  store.put_segment(ts(1), bytes(1000), "video/mp2t");
  CHECK(store.segment_count() == 2);
  store.put_segment(ts(2), bytes(1000), "video/mp2t");  // 3000 > 2500
  CHECK_FALSE(store.find(ts(0)));
  CHECK(store.find(ts(1)));
  CHECK(store.total_bytes() == 2000);

  store.put_segment(ts(3), bytes(4000), "video/mp2t");  // over the cap on its own
  CHECK(store.segment_count() == 1);
  CHECK(store.find(ts(3)));
  CHECK(store.total_bytes() == 4000);
}

TEST_CASE("segment store keeps every listed segment and the two that just left the playlist", "[hls]") {
  MediaPlaylist playlist;  // window 6
  SegmentStore store;      // window + 2
  for (int i = 0; i < 20; ++i) {
    const auto uri = segment_uri(SegmentFormat::ts, playlist.next_sequence());
    store.put_segment(uri, bytes(50'000), "video/mp2t");
    SegmentEntry entry;
    entry.uri = uri;
    entry.duration_ms = 2000;
    playlist.append(entry);
    for (const auto& segment : playlist.segments()) CHECK(store.find(segment.uri));
  }
  CHECK(playlist.media_sequence() == 14);
  CHECK(store.find(ts(12)));
  CHECK(store.find(ts(13)));
  CHECK_FALSE(store.find(ts(11)));
}

TEST_CASE("segment store keeps an init segment while a stored segment needs it", "[hls]") {
  SegmentStore store(store_options(2));
  store.put_init("init-0.mp4", bytes(700), "video/mp4");
  store.put_segment(m4s(0), bytes(1000), "video/mp4", "init-0.mp4");
  store.put_segment(m4s(1), bytes(1000), "video/mp4", "init-0.mp4");
  // New codec parameters: a new init, but seg-0 and seg-1 still need the old one.
  store.put_init("init-1.mp4", bytes(800), "video/mp4");
  CHECK(store.init_count() == 2);
  store.put_segment(m4s(2), bytes(1000), "video/mp4", "init-1.mp4");
  CHECK(store.find("init-0.mp4"));  // seg-1 still needs it
  store.put_segment(m4s(3), bytes(1000), "video/mp4", "init-1.mp4");
  CHECK_FALSE(store.find("init-0.mp4"));
  auto init = store.find("init-1.mp4");
  REQUIRE(init);
  CHECK(init->content_type == "video/mp4");
  CHECK(store.total_bytes() == 2800);
}

TEST_CASE("segment store keeps the newest init segment before any segment names it", "[hls]") {
  SegmentStore store;
  store.put_init("init-0.mp4", bytes(700), "video/mp4");
  CHECK(store.find("init-0.mp4"));
  store.put_init("init-1.mp4", bytes(700), "video/mp4");  // init-0 was never used
  CHECK_FALSE(store.find("init-0.mp4"));
  CHECK(store.find("init-1.mp4"));
  CHECK(store.total_bytes() == 700);
}

TEST_CASE("segment store replaces a segment stored again under the same URI", "[hls]") {
  SegmentStore store;
  store.put_segment(ts(0), bytes(1000, 1), "video/mp2t");
  store.put_segment(ts(0), bytes(1500, 2), "video/mp2t");
  CHECK(store.segment_count() == 1);
  CHECK(store.total_bytes() == 1500);
  auto found = store.find(ts(0));
  REQUIRE(found);
  CHECK(found->bytes->size() == 1500);
  CHECK(found->bytes->view().front() == 2);
}
