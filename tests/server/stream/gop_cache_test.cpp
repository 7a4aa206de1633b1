// GopCache and MediaFanout: what a joining sink gets, and that every sink shares each tag.
#include "server/stream/gop_cache.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "server/stream/media_fanout.hpp"

using namespace liverelay;

namespace {

media::SharedBuffer bytes(std::vector<uint8_t> b) {
  return std::make_shared<const media::Buffer>(std::move(b));
}

// Legacy FLV AVC tags (FLV spec E.4.3.1): FrameType << 4 | CodecID 7, AVCPacketType, CTS.
MediaTag avc_config(uint32_t ts, uint8_t version = 1) {
  return classify_tag(TagKind::video, ts, bytes({0x17, 0x00, 0, 0, 0, version, 0x64, 0x00, 0x1F}));
}
MediaTag keyframe(uint32_t ts, size_t size = 100) {
  std::vector<uint8_t> b{0x17, 0x01, 0, 0, 0};
  b.resize(size, 0x65);
  return classify_tag(TagKind::video, ts, bytes(b));
}
MediaTag inter(uint32_t ts, size_t size = 50) {
  std::vector<uint8_t> b{0x27, 0x01, 0, 0, 0};
  b.resize(size, 0x41);
  return classify_tag(TagKind::video, ts, bytes(b));
}
// AAC (SoundFormat 10, 44 kHz, 16 bit, stereo), AACPacketType 0 (config) or 1 (raw).
MediaTag aac_config(uint32_t ts) {
  return classify_tag(TagKind::audio, ts, bytes({0xAF, 0x00, 0x12, 0x10}));
}
MediaTag aac(uint32_t ts) {
  return classify_tag(TagKind::audio, ts, bytes({0xAF, 0x01, 0x21, 0x00, 0x49}));
}
MediaTag metadata() {
  return classify_tag(TagKind::metadata, 0, bytes({0x02, 0x00, 0x0A}));
}

std::vector<uint32_t> timestamps(const std::vector<MediaTag>& tags) {
  std::vector<uint32_t> out;
  for (const auto& t : tags) out.push_back(t.timestamp);
  return out;
}

// Records what a sink was handed.
struct RecordingSink : MediaSink {
  std::vector<MediaTag> tags;
  int begins = 0;
  int ends = 0;
  MediaFanout* remove_from = nullptr;  // removes itself on its first tag
  void on_stream_begin() override { ++begins; }
  void on_tag(const MediaTag& tag) override {
    tags.push_back(tag);
    if (remove_from) remove_from->remove(*this);
  }
  void on_stream_end() override { ++ends; }
};

}  // namespace

TEST_CASE("classify_tag finds keyframes and sequence headers in FLV tag headers") {
  CHECK(avc_config(0).config);
  CHECK_FALSE(avc_config(0).keyframe);
  CHECK(keyframe(0).keyframe);
  CHECK_FALSE(inter(0).keyframe);
  CHECK(aac_config(0).config);
  CHECK_FALSE(aac(0).config);
  CHECK(metadata().config);
  // Enhanced RTMP (IsExHeader, FrameType 1, PacketType 1 CodedFrames, FourCC hvc1).
  auto hevc = classify_tag(TagKind::video, 0, bytes({0x91, 'h', 'v', 'c', '1', 0, 0, 0, 0x26}));
  CHECK(hevc.keyframe);
  CHECK_FALSE(classify_tag(TagKind::video, 0, bytes({0x17})).keyframe);  // truncated: a plain frame
}

TEST_CASE("gop cache hands a joiner metadata, sequence headers, then the GOP from the last keyframe") {
  GopCache cache;
  cache.on_tag(metadata());
  cache.on_tag(avc_config(0));
  cache.on_tag(aac_config(0));
  cache.on_tag(keyframe(0));
  cache.on_tag(aac(10));
  cache.on_tag(inter(33));
  cache.on_tag(keyframe(2000));  // a new GOP: the old one is forgotten
  cache.on_tag(aac(2010));
  cache.on_tag(inter(2033));

  auto joined = cache.snapshot();
  REQUIRE(joined.size() == 6);
  CHECK(joined[0].kind == TagKind::metadata);
  CHECK(joined[1].kind == TagKind::video);
  CHECK(joined[1].config);
  CHECK(joined[2].kind == TagKind::audio);
  CHECK(joined[2].config);
  CHECK(joined[3].keyframe);
  // Configuration takes the first frame's time: the joiner's clock never goes back.
  CHECK(timestamps(joined) == std::vector<uint32_t>{2000, 2000, 2000, 2000, 2010, 2033});
  CHECK(cache.bytes() == 100 + 5 + 50);
}

TEST_CASE("gop cache keeps no frames before the first keyframe") {
  GopCache cache;
  cache.on_tag(avc_config(0));
  cache.on_tag(aac(0));
  cache.on_tag(inter(33));
  CHECK(cache.snapshot().size() == 1);  // the sequence header only
  CHECK(cache.has_video());
}

TEST_CASE("gop cache drops the GOP of an old configuration when the sequence header changes") {
  GopCache cache;
  cache.on_tag(avc_config(0, 1));
  cache.on_tag(keyframe(0));
  cache.on_tag(inter(33));
  cache.on_tag(avc_config(66, 1));  // repeated unchanged (OBS before each keyframe): kept
  CHECK(cache.tag_count() == 2);
  cache.on_tag(avc_config(66, 2));  // a new resolution
  cache.on_tag(inter(99));          // not decodable with the new configuration: not kept
  auto joined = cache.snapshot();
  REQUIRE(joined.size() == 1);
  CHECK((*joined[0].payload)[5] == 2);
  cache.on_tag(keyframe(132));
  CHECK(cache.snapshot().size() == 2);
}

TEST_CASE("gop cache over its byte bound waits for the next keyframe") {
  GopCache cache(GopCacheLimits{1000, 1000});
  cache.on_tag(avc_config(0));
  cache.on_tag(keyframe(0, 600));
  cache.on_tag(inter(33, 300));
  CHECK(cache.tag_count() == 2);
  cache.on_tag(inter(66, 300));  // 1200 bytes: half a GOP is useless
  CHECK(cache.tag_count() == 0);
  cache.on_tag(inter(99, 300));
  CHECK(cache.tag_count() == 0);
  cache.on_tag(keyframe(132, 600));
  CHECK(cache.tag_count() == 1);
}

TEST_CASE("gop cache of an audio-only stream keeps a short window of audio") {
  GopCache cache(GopCacheLimits{1 << 20, 500});
  cache.on_tag(aac_config(0));
  for (uint32_t ts = 0; ts <= 2000; ts += 100) cache.on_tag(aac(ts));
  CHECK_FALSE(cache.has_video());
  auto joined = cache.snapshot();
  REQUIRE(joined.size() == 7);  // the config, then 1500..2000
  CHECK(joined[0].config);
  CHECK(joined[1].timestamp == 1500);
  CHECK(joined.back().timestamp == 2000);
}

TEST_CASE("gop cache forgets everything when a new publisher begins") {
  GopCache cache;
  cache.on_tag(metadata());
  cache.on_tag(avc_config(0));
  cache.on_tag(keyframe(0));
  cache.clear();
  CHECK(cache.snapshot().empty());
  CHECK_FALSE(cache.has_video());
}

TEST_CASE("media fanout shares each tag with every sink and replays the cache to a joiner") {
  MediaFanout fanout;
  RecordingSink early;
  fanout.add(early);
  fanout.on_stream_begin();
  CHECK(early.begins == 1);
  const media::SharedBuffer config = avc_config(0).payload;
  fanout.on_tag(TagKind::video, 0, config);
  fanout.on_tag(TagKind::video, 0, keyframe(0).payload);
  fanout.on_tag(TagKind::video, 33, inter(33).payload);

  RecordingSink late;
  fanout.add(late);
  REQUIRE(late.tags.size() == 3);
  CHECK(late.tags[0].config);
  CHECK(late.tags[1].keyframe);
  CHECK(late.tags[0].payload == config);  // the same buffer, not a copy
  CHECK(early.tags[0].payload == config);

  fanout.on_tag(TagKind::metadata, 99, metadata().payload);
  CHECK(early.tags.back().kind == TagKind::metadata);
  CHECK(early.tags.back().timestamp == 33);  // metadata takes the last media timestamp
  CHECK(late.tags.size() == 4);
  fanout.on_stream_end();
  CHECK(early.ends == 1);
  CHECK(late.ends == 1);
  CHECK(fanout.cache().snapshot().empty());
}

TEST_CASE("media fanout lets a sink remove itself while a tag is handed out") {
  MediaFanout fanout;
  RecordingSink leaving;
  RecordingSink staying;
  fanout.add(leaving);
  fanout.add(staying);
  leaving.remove_from = &fanout;
  fanout.on_tag(TagKind::audio, 0, aac(0).payload);
  fanout.on_tag(TagKind::audio, 23, aac(23).payload);
  CHECK(leaving.tags.size() == 1);
  CHECK(staying.tags.size() == 2);
  CHECK(fanout.sink_count() == 1);
}
