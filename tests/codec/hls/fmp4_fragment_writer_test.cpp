// Tests for Fmp4FragmentWriter: moof + mdat bytes from samples, and the timeline across fragments.
#include "codec/hls/fmp4_fragment_writer.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/core/byte_reader.hpp"
#include "protocol/core/byte_writer.hpp"

using liverelay::ByteReader;
using liverelay::ByteWriter;
using liverelay::hls::Fmp4FragmentWriter;
using liverelay::hls::Fmp4Sample;

namespace fmp4_fragment_writer_test {

constexpr uint32_t kSync = 0x02000000;
constexpr uint32_t kNonSync = 0x01010000;

// What a player reads back from one traf.
struct ReadTraf {
  uint32_t track_id = 0;
  uint64_t decode_time = 0;
  uint32_t trun_flags = 0;
  std::vector<uint32_t> durations, sizes, flags, offsets;
  std::vector<uint8_t> data;  // the samples' bytes, found through the trun's data offset
};

struct ReadFragment {
  uint32_t sequence_number = 0;
  std::vector<ReadTraf> trafs;
  uint32_t mdat_size = 0;
};

std::string fourcc(ByteReader& r) {
  auto bytes = r.bytes(4);
  REQUIRE(bytes);
  return {bytes->begin(), bytes->end()};
}

uint32_t u32(ByteReader& r) {
  auto v = r.u32be();
  REQUIRE(v);
  return *v;
}

ReadTraf read_traf(const std::vector<uint8_t>& fragment, size_t at, size_t end) {
  ReadTraf traf;
  uint32_t default_flags = 0;
  while (at < end) {
    ByteReader r{std::span<const uint8_t>(fragment).subspan(at, end - at)};
    const uint32_t size = u32(r);
    const std::string type = fourcc(r);
    const uint32_t version_flags = u32(r);
    if (type == "tfhd") {
      CHECK((version_flags & 0xffffff) == 0x020020);  // default-base-is-moof, default sample flags
      traf.track_id = u32(r);
      default_flags = u32(r);
    } else if (type == "tfdt") {
      CHECK(version_flags >> 24 == 1);
      const auto decode_time = r.u64be();
      REQUIRE(decode_time);
      traf.decode_time = *decode_time;
    } else if (type == "trun") {
      traf.trun_flags = version_flags & 0xffffff;
      const uint32_t count = u32(r);
      const uint32_t data_offset = u32(r);
      const uint32_t first_flags = traf.trun_flags & 0x004 ? u32(r) : default_flags;
      size_t data_at = data_offset;
      for (uint32_t i = 0; i < count; ++i) {
        traf.durations.push_back(u32(r));
        traf.sizes.push_back(u32(r));
        traf.flags.push_back(traf.trun_flags & 0x400 ? u32(r) : i == 0 ? first_flags : default_flags);
        traf.offsets.push_back(traf.trun_flags & 0x800 ? u32(r) : 0);
        REQUIRE(data_at + traf.sizes.back() <= fragment.size());
        traf.data.insert(traf.data.end(), fragment.begin() + static_cast<long>(data_at),
                         fragment.begin() + static_cast<long>(data_at + traf.sizes.back()));
        data_at += traf.sizes.back();
      }
    }
    at += size;
  }
  return traf;
}

ReadFragment read_fragment(const std::vector<uint8_t>& fragment) {
  ReadFragment out;
  ByteReader r(fragment);
  const uint32_t moof_size = u32(r);
  REQUIRE(fourcc(r) == "moof");
  size_t at = 8;
  while (at < moof_size) {
    ByteReader box{std::span<const uint8_t>(fragment).subspan(at)};
    const uint32_t size = u32(box);
    const std::string type = fourcc(box);
    if (type == "mfhd") {
      (void)u32(box);
      out.sequence_number = u32(box);
    } else if (type == "traf") {
      out.trafs.push_back(read_traf(fragment, at + 8, at + size));
    }
    at += size;
  }
  ByteReader mdat{std::span<const uint8_t>(fragment).subspan(moof_size)};
  out.mdat_size = u32(mdat);
  CHECK(fourcc(mdat) == "mdat");
  CHECK(moof_size + out.mdat_size == fragment.size());
  return out;
}

}  // namespace fmp4_fragment_writer_test

using namespace fmp4_fragment_writer_test;

TEST_CASE("a video fragment is one moof and mdat, byte for byte", "[hls][fmp4]") {
  Fmp4FragmentWriter writer;
  const int video = writer.add_track(1, true);
  writer.add(video, {.dts = 0, .duration = 3000, .composition_offset = 3000, .sync = true},
             std::vector<uint8_t>{1, 2, 3});
  writer.add(video, {.dts = 3000, .duration = 3000, .composition_offset = 0, .sync = false},
             std::vector<uint8_t>{4, 5});
  writer.add(video, {.dts = 6000, .duration = 3000, .composition_offset = 1500, .sync = false},
             std::vector<uint8_t>{6});

  std::vector<uint8_t> expected;
  ByteWriter w(expected);
  w.u32be(132), w.text("moof");
  w.u32be(16), w.text("mfhd"), w.u32be(0), w.u32be(1);
  w.u32be(108), w.text("traf");
  w.u32be(20), w.text("tfhd"), w.u32be(0x020020), w.u32be(1), w.u32be(kNonSync);
  w.u32be(20), w.text("tfdt"), w.u32be(0x01000000), w.u64be(0);
  // data offset, first-sample flags, then duration, size and composition offset per sample
  w.u32be(60), w.text("trun"), w.u32be(0x000B05), w.u32be(3), w.u32be(140), w.u32be(kSync);
  w.u32be(3000), w.u32be(3), w.u32be(3000);
  w.u32be(3000), w.u32be(2), w.u32be(0);
  w.u32be(3000), w.u32be(1), w.u32be(1500);
  w.u32be(14), w.text("mdat"), w.bytes(std::vector<uint8_t>{1, 2, 3, 4, 5, 6});

  CHECK(writer.finish() == expected);
  CHECK(writer.empty());
}

TEST_CASE("an audio and video fragment carries a traf per track, their bytes one after the other",
          "[hls][fmp4]") {
  Fmp4FragmentWriter writer;
  const int video = writer.add_track(1, true);
  const int audio = writer.add_track(2, false);
  writer.add(video, {.dts = 0, .duration = 3000, .sync = true}, std::vector<uint8_t>{0x10, 0x11});
  writer.add(audio, {.dts = 0, .duration = 1024, .sync = true}, std::vector<uint8_t>{0x20});
  writer.add(audio, {.dts = 1024, .duration = 1024, .sync = true}, std::vector<uint8_t>{0x21, 0x22});
  const auto fragment = read_fragment(writer.finish());

  REQUIRE(fragment.trafs.size() == 2);
  const auto& v = fragment.trafs[0];
  const auto& a = fragment.trafs[1];
  CHECK(v.track_id == 1);
  CHECK(v.trun_flags == 0x000305);  // a lone keyframe: first-sample flags, no composition offsets
  CHECK(v.flags == std::vector<uint32_t>{kSync});
  CHECK(v.data == std::vector<uint8_t>{0x10, 0x11});
  CHECK(a.track_id == 2);
  CHECK(a.trun_flags == 0x000301);  // every audio sample is a sync sample: the default says so
  CHECK(a.durations == std::vector<uint32_t>{1024, 1024});
  CHECK(a.flags == std::vector<uint32_t>{kSync, kSync});
  CHECK(a.data == std::vector<uint8_t>{0x20, 0x21, 0x22});
  CHECK(fragment.mdat_size == 8 + 5);
}

TEST_CASE("a keyframe inside a fragment gets flags on every sample", "[hls][fmp4]") {
  Fmp4FragmentWriter writer;
  const int video = writer.add_track(1, true);
  writer.add(video, {.dts = 0, .duration = 3000}, std::vector<uint8_t>{1});
  writer.add(video, {.dts = 3000, .duration = 3000, .sync = true}, std::vector<uint8_t>{2});
  writer.add(video, {.dts = 6000, .duration = 3000}, std::vector<uint8_t>{3});
  const auto fragment = read_fragment(writer.finish());
  REQUIRE(fragment.trafs.size() == 1);
  CHECK(fragment.trafs[0].trun_flags == 0x000701);
  CHECK(fragment.trafs[0].flags == std::vector<uint32_t>{kNonSync, kSync, kNonSync});
}

TEST_CASE("durations run to the next sample, the last one's as given or as set later", "[hls][fmp4]") {
  Fmp4FragmentWriter writer;
  const int video = writer.add_track(1, true);
  writer.add(video, {.dts = 0, .duration = 3000, .sync = true}, std::vector<uint8_t>{1});
  writer.add(video, {.dts = 2970, .duration = 9999}, std::vector<uint8_t>{2});
  writer.add(video, {.dts = 6030, .duration = 3060}, std::vector<uint8_t>{3});
  writer.set_last_duration(video, 2970);
  const auto fragment = read_fragment(writer.finish());
  REQUIRE(fragment.trafs.size() == 1);
  CHECK(fragment.trafs[0].durations == std::vector<uint32_t>{2970, 3060, 2970});
}

TEST_CASE("the next fragment starts where the last one's durations ended, a gap going to its first sample",
          "[hls][fmp4]") {
  Fmp4FragmentWriter writer;
  const int video = writer.add_track(1, true);
  const int audio = writer.add_track(2, false);
  writer.add(video, {.dts = 1000, .duration = 3000, .sync = true}, std::vector<uint8_t>{1});
  writer.add(audio, {.dts = 500, .duration = 1024, .sync = true}, std::vector<uint8_t>{2});
  const auto first = read_fragment(writer.finish());
  REQUIRE(first.trafs.size() == 2);
  CHECK(first.sequence_number == 1);
  // Each track's first fragment starts at 0: the init segment's edit lists place the tracks.
  CHECK(first.trafs[0].decode_time == 0);
  CHECK(first.trafs[1].decode_time == 0);

  // Video resumes 90 ticks after the guessed end (4000), audio exactly at its end (1524).
  writer.add(video, {.dts = 4090, .duration = 3000}, std::vector<uint8_t>{3});
  writer.add(video, {.dts = 7090, .duration = 3000}, std::vector<uint8_t>{4});
  writer.add(audio, {.dts = 1524, .duration = 1024, .sync = true}, std::vector<uint8_t>{5});
  const auto second = read_fragment(writer.finish());
  REQUIRE(second.trafs.size() == 2);
  CHECK(second.sequence_number == 2);
  CHECK(second.trafs[0].decode_time == 3000);
  CHECK(second.trafs[0].durations == std::vector<uint32_t>{3090, 3000});
  CHECK(second.trafs[1].decode_time == 1024);

  // A fragment without audio has no audio traf; audio's timeline waits where it was.
  writer.add(video, {.dts = 10090, .duration = 3000}, std::vector<uint8_t>{6});
  const auto third = read_fragment(writer.finish());
  REQUIRE(third.trafs.size() == 1);
  CHECK(third.sequence_number == 3);
  CHECK(third.trafs[0].track_id == 1);
  CHECK(third.trafs[0].decode_time == 9090);
  writer.add(audio, {.dts = 2548, .duration = 1024, .sync = true}, std::vector<uint8_t>{7});
  const auto fourth = read_fragment(writer.finish());
  REQUIRE(fourth.trafs.size() == 1);
  CHECK(fourth.trafs[0].track_id == 2);
  CHECK(fourth.trafs[0].decode_time == 2048);
}

TEST_CASE("a writer with nothing added finishes no fragment and keeps its sequence number", "[hls][fmp4]") {
  Fmp4FragmentWriter writer;
  const int audio = writer.add_track(1, false);
  CHECK(writer.empty());
  CHECK(writer.finish().empty());
  writer.add(audio, {.dts = 0, .duration = 1024, .sync = true}, std::vector<uint8_t>{1});
  CHECK_FALSE(writer.empty());
  CHECK(writer.samples(audio).size() == 1);
  CHECK(read_fragment(writer.finish()).sequence_number == 1);
}
