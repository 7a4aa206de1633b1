// H264Reencoder on the FLV fixture's x264 High video with 2 B-frames, and on its own output.
#include "codec/transcode/h264_reencoder.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
#include <set>
#include <vector>

#include "codec/avc/nal.hpp"
#include "tests/codec/fixtures.hpp"
#include "tests/codec/hls/flv_file.hpp"
#include "tests/codec/transcode/av_decode.hpp"

using liverelay::Errc;
using liverelay::Result;
using liverelay::media::MediaPacket;
using liverelay::media::TrackKind;
using liverelay::testing::h264_aac_fixture;
using liverelay::transcode::EncodedVideoFrame;
using liverelay::transcode::H264Reencoder;

namespace {

const std::vector<MediaPacket>& video() {
  static const auto frames = h264_aac_fixture().only(TrackKind::video);
  return frames;
}

std::unique_ptr<H264Reencoder> make_reencoder(const std::vector<uint8_t>& record, int kbps = 300) {
  liverelay::testing::quiet_libav();
  auto reencoder = H264Reencoder::create(record, kbps);
  REQUIRE(reencoder);
  return std::move(*reencoder);
}

Result<void> push(H264Reencoder& reencoder, const MediaPacket& frame, std::vector<EncodedVideoFrame>& out) {
  return reencoder.push(frame.payload(), frame.dts_ms, frame.pts_ms, frame.keyframe, out);
}

struct Run {
  std::vector<EncodedVideoFrame> frames;
  size_t most_held = 0;  // the largest (pushed - encoded) seen after a push: the delay in frames
};

Run reencode(H264Reencoder& reencoder, const std::vector<MediaPacket>& input, bool flush = true) {
  Run run;
  size_t pushed = 0;
  for (const auto& frame : input) {
    REQUIRE(push(reencoder, frame, run.frames));
    ++pushed;
    run.most_held = std::max(run.most_held, pushed - run.frames.size());
  }
  if (flush) reencoder.flush(run.frames);
  return run;
}

std::vector<uint8_t> record_of(const H264Reencoder& reencoder) {
  REQUIRE(reencoder.sps().size() == 1);
  REQUIRE(reencoder.pps().size() == 1);
  return liverelay::testing::avcc_record(reencoder.sps().front(), reencoder.pps().front());
}

std::set<int64_t> keyframe_pts(const std::vector<MediaPacket>& frames) {
  std::set<int64_t> out;
  for (const auto& frame : frames)
    if (frame.keyframe) out.insert(frame.pts_ms);
  return out;
}

std::set<int64_t> keyframe_pts(const std::vector<EncodedVideoFrame>& frames) {
  std::set<int64_t> out;
  for (const auto& frame : frames)
    if (frame.keyframe) out.insert(frame.pts_ms);
  return out;
}

// The encoded frames as source-like packets, to feed a second reencoder.
std::vector<MediaPacket> as_packets(const std::vector<EncodedVideoFrame>& frames) {
  std::vector<MediaPacket> out;
  for (const auto& frame : frames) {
    MediaPacket packet;
    packet.dts_ms = frame.pts_ms;
    packet.pts_ms = frame.pts_ms;
    packet.keyframe = frame.keyframe;
    packet.tag = std::make_shared<const liverelay::media::Buffer>(frame.access_unit);
    out.push_back(packet);
  }
  return out;
}

}  // namespace

TEST_CASE("x264 High video with B-frames comes out as Constrained Baseline with no B-frames", "[transcode]") {
  REQUIRE(video().size() == 90);
  auto reencoder = make_reencoder(h264_aac_fixture().video->decoder_config);
  // Constrained Baseline: profile_idc 66 with constraint_set0 and set1 (RFC 6184 8.1: 42c0xx
  // or 42e0xx), known before any frame so the SDP can carry it.
  const std::string id = reencoder->profile_level_id();
  REQUIRE(id.size() == 6);
  CHECK(id.substr(0, 2) == "42");
  CHECK((std::stoi(id.substr(2, 2), nullptr, 16) & 0xc0) == 0xc0);
  CHECK(std::all_of(id.begin(), id.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
  }));
  CHECK(reencoder->width() == 320);
  CHECK(reencoder->height() == 180);

  const Run run = reencode(*reencoder, video());
  CHECK(run.frames.size() == video().size());
  const auto pictures = liverelay::testing::decode_h264(record_of(*reencoder), run.frames);
  REQUIRE(pictures.size() == video().size());
  for (const auto& picture : pictures) {
    REQUIRE(picture.type != AV_PICTURE_TYPE_B);
    REQUIRE(picture.width == 320);
    REQUIRE(picture.height == 180);
  }
}

TEST_CASE("re-encoded frames carry the source's pts in presentation order and its keyframes", "[transcode]") {
  auto reencoder = make_reencoder(h264_aac_fixture().video->decoder_config);
  const Run run = reencode(*reencoder, video());
  std::vector<int64_t> source_pts;
  for (const auto& frame : video()) source_pts.push_back(frame.pts_ms);
  std::sort(source_pts.begin(), source_pts.end());
  std::vector<int64_t> output_pts;
  for (const auto& frame : run.frames) output_pts.push_back(frame.pts_ms);
  CHECK(output_pts == source_pts);
  // IDRs exactly at the source's keyframes (67, 1067 and 2067 ms) and nowhere else.
  CHECK(keyframe_pts(video()) == std::set<int64_t>{67, 1067, 2067});
  CHECK(keyframe_pts(run.frames) == keyframe_pts(video()));
  // Each keyframe is SPS, PPS, then an IDR slice, in 4-byte AVCC.
  for (const auto& frame : run.frames) {
    auto units = liverelay::avc::split_avcc(frame.access_unit, 4);
    REQUIRE(units);
    REQUIRE_FALSE(units->empty());
    CHECK(liverelay::avc::contains_idr(*units) == frame.keyframe);
    if (frame.keyframe) {
      REQUIRE(units->size() >= 3);
      CHECK((*units)[0].type == 7);
      CHECK((*units)[1].type == 8);
    }
  }
  const auto pictures = liverelay::testing::decode_h264(record_of(*reencoder), run.frames);
  REQUIRE(pictures.size() == run.frames.size());
  for (size_t i = 0; i < pictures.size(); ++i) CHECK(pictures[i].key == run.frames[i].keyframe);
}

TEST_CASE("the reencoder holds back only the source's B-frame reorder depth", "[transcode]") {
  auto reencoder = make_reencoder(h264_aac_fixture().video->decoder_config);
  const Run run = reencode(*reencoder, video(), false);
  // x264 with 2 B-frames writes max_num_reorder_frames 2 in the VUI; the decoder waits for
  // that many, the encoder for none.
  CHECK(run.most_held == 2);
  CHECK(run.frames.size() == video().size() - 2);
  std::vector<EncodedVideoFrame> rest;
  reencoder->flush(rest);
  CHECK(rest.size() == 2);
}

TEST_CASE("a stream without B-frames goes through with no frame of delay", "[transcode]") {
  auto first = make_reencoder(h264_aac_fixture().video->decoder_config);
  const auto baseline = as_packets(reencode(*first, video()).frames);
  auto second = make_reencoder(record_of(*first));
  const Run run = reencode(*second, baseline, false);
  CHECK(run.most_held == 0);
  CHECK(run.frames.size() == baseline.size());
  CHECK(keyframe_pts(run.frames) == keyframe_pts(baseline));
}

TEST_CASE("frames before the first keyframe are skipped, so the output starts on an IDR", "[transcode]") {
  auto reencoder = make_reencoder(h264_aac_fixture().video->decoder_config);
  // A viewer's stream joined 10 frames in: the first keyframe after that is at 1067 ms.
  const std::vector<MediaPacket> joined(video().begin() + 10, video().end());
  const Run run = reencode(*reencoder, joined);
  REQUIRE_FALSE(run.frames.empty());
  CHECK(run.frames.front().keyframe);
  CHECK(run.frames.front().pts_ms == 1067);
  CHECK(keyframe_pts(run.frames) == std::set<int64_t>{1067, 2067});
}

TEST_CASE("request_keyframe makes the next encoded frame an IDR", "[transcode]") {
  auto reencoder = make_reencoder(h264_aac_fixture().video->decoder_config);
  std::vector<EncodedVideoFrame> out;
  const auto& frames = video();
  for (size_t i = 0; i < 45; ++i) REQUIRE(push(*reencoder, frames[i], out));
  const size_t before = out.size();
  reencoder->request_keyframe();
  REQUIRE(push(*reencoder, frames[45], out));
  REQUIRE(out.size() > before);
  CHECK(out[before].keyframe);
  CHECK_FALSE(frames[45].keyframe);
  for (size_t i = before + 1; i < out.size(); ++i) CHECK_FALSE(out[i].keyframe);
}

TEST_CASE("garbage access units are errors and the frames after them still re-encode", "[transcode]") {
  auto reencoder = make_reencoder(h264_aac_fixture().video->decoder_config);
  const auto& frames = video();
  std::vector<EncodedVideoFrame> out;
  for (size_t i = 0; i < 30; ++i) REQUIRE(push(*reencoder, frames[i], out));
  const size_t before = out.size();
  // Lengths that run past the bytes, and no bytes at all.
  const std::vector<uint8_t> garbage{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11};
  auto pushed = reencoder->push(garbage, 1000, 1000, false, out);
  REQUIRE_FALSE(pushed);
  CHECK(pushed.error().code == Errc::truncated);
  CHECK_FALSE(reencoder->push({}, 1000, 1000, false, out));
  CHECK(out.size() == before);
  // Well framed but meaningless: a NAL header with a forbidden_zero_bit set, then noise.
  const std::vector<uint8_t> noise{0, 0, 0, 6, 0xe5, 0xff, 0x13, 0x77, 0x00, 0x42};
  auto noisy = reencoder->push(noise, 1001, 1001, false, out);
  REQUIRE_FALSE(noisy);
  CHECK(noisy.error().code == Errc::malformed);
  for (size_t i = 30; i < frames.size(); ++i) REQUIRE(push(*reencoder, frames[i], out));
  reencoder->flush(out);
  CHECK(out.size() == frames.size());
  CHECK(keyframe_pts(out) == keyframe_pts(frames));
}

TEST_CASE("create refuses records that do not parse and sources that are not 8-bit 4:2:0", "[transcode]") {
  liverelay::testing::quiet_libav();
  CHECK_FALSE(H264Reencoder::create(std::vector<uint8_t>{}, 300));
  CHECK_FALSE(H264Reencoder::create(std::vector<uint8_t>{1, 0x64, 0, 0x1f, 0xff, 0xe1, 0, 40, 0x67}, 300));
  auto high10 = H264Reencoder::create(liverelay::fixtures::kAvcHigh10Record, 300);
  REQUIRE_FALSE(high10);
  CHECK(high10.error().code == Errc::unsupported);
  auto high444 = H264Reencoder::create(liverelay::fixtures::kAvcHigh444ScalingRecord, 300);
  REQUIRE_FALSE(high444);
  CHECK(high444.error().code == Errc::unsupported);
  CHECK_FALSE(H264Reencoder::create(h264_aac_fixture().video->decoder_config, 0));
  auto hd = H264Reencoder::create(liverelay::fixtures::kAvcMain1080Record, 3000);
  REQUIRE(hd);
  CHECK((*hd)->width() == 1920);
  CHECK((*hd)->height() == 1080);
}

TEST_CASE("the bitrate asked for is the bitrate given", "[transcode]") {
  const int kbps = GENERATE(100, 400);
  auto reencoder = make_reencoder(h264_aac_fixture().video->decoder_config, kbps);
  const Run run = reencode(*reencoder, video());
  size_t bytes = 0;
  for (const auto& frame : run.frames) bytes += frame.access_unit.size();
  const double seconds = 3.0;
  const double measured_kbps = static_cast<double>(bytes) * 8 / seconds / 1000;
  INFO("asked " << kbps << " kb/s, measured " << measured_kbps << " kb/s");
  CHECK(measured_kbps > 0.6 * kbps);
  CHECK(measured_kbps < 1.4 * kbps);
}
