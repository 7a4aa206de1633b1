// AacToOpus on real AAC: the FLV fixture's 44.1 kHz stereo and an in-test 48 kHz mono encode.
#include "codec/transcode/aac_to_opus.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "tests/codec/fixtures.hpp"
#include "tests/codec/hls/flv_file.hpp"
#include "tests/codec/transcode/av_decode.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
}

using liverelay::Errc;
using liverelay::media::MediaPacket;
using liverelay::media::TrackKind;
using liverelay::testing::h264_aac_fixture;
using liverelay::transcode::AacToOpus;
using liverelay::transcode::OpusPacket;

namespace {

std::unique_ptr<AacToOpus> make_transcoder(const std::vector<uint8_t>& config) {
  liverelay::testing::quiet_libav();
  auto transcoder = AacToOpus::create(config);
  REQUIRE(transcoder);
  return std::move(*transcoder);
}

std::vector<OpusPacket> transcode(AacToOpus& transcoder, const std::vector<MediaPacket>& frames,
                                  int64_t shift_ms = 0) {
  std::vector<OpusPacket> out;
  for (const auto& frame : frames) REQUIRE(transcoder.push(frame.payload(), frame.pts_ms + shift_ms, out));
  return out;
}

// Frequency of a sine from its zero crossings, over whole seconds' worth of samples.
double frequency(const std::vector<float>& samples, size_t from, size_t count, int rate) {
  int crossings = 0;
  for (size_t i = from + 1; i < from + count; ++i)
    if ((samples[i - 1] < 0) != (samples[i] < 0)) ++crossings;
  return crossings / 2.0 / (static_cast<double>(count) / rate);
}

struct AacTrack {
  std::vector<uint8_t> config;
  std::vector<std::vector<uint8_t>> frames;
  std::vector<int64_t> pts_ms;
};

// A 1 s 440 Hz sine through libavcodec's AAC encoder: 48 kHz mono, which the fixture lacks.
AacTrack encode_mono_48k_sine() {
  const AVCodec* codec = avcodec_find_encoder_by_name("aac");
  AVCodecContext* encoder = avcodec_alloc_context3(codec);
  encoder->sample_rate = 48000;
  encoder->sample_fmt = AV_SAMPLE_FMT_FLTP;
  av_channel_layout_default(&encoder->ch_layout, 1);
  encoder->bit_rate = 64000;
  encoder->time_base = {1, 48000};
  encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  REQUIRE(avcodec_open2(encoder, codec, nullptr) == 0);
  AacTrack track{{encoder->extradata, encoder->extradata + encoder->extradata_size}, {}, {}};
  AVFrame* frame = av_frame_alloc();
  AVPacket* packet = av_packet_alloc();
  auto receive = [&] {
    while (avcodec_receive_packet(encoder, packet) == 0) {
      track.frames.emplace_back(packet->data, packet->data + packet->size);
      track.pts_ms.push_back(packet->pts * 1000 / 48000);
      av_packet_unref(packet);
    }
  };
  for (int64_t start = 0; start < 48000; start += 1024) {
    frame->nb_samples = 1024;
    frame->format = AV_SAMPLE_FMT_FLTP;
    frame->sample_rate = 48000;
    av_channel_layout_default(&frame->ch_layout, 1);
    REQUIRE(av_frame_get_buffer(frame, 0) == 0);
    auto* samples = reinterpret_cast<float*>(frame->data[0]);
    for (int i = 0; i < 1024; ++i) samples[i] = 0.5f * std::sin(2 * M_PI * 440 * (start + i) / 48000.0);
    frame->pts = start;
    REQUIRE(avcodec_send_frame(encoder, frame) == 0);
    av_frame_unref(frame);
    receive();
  }
  REQUIRE(avcodec_send_frame(encoder, nullptr) == 0);
  receive();
  av_packet_free(&packet);
  av_frame_free(&frame);
  avcodec_free_context(&encoder);
  return track;
}

void check_continuous(const std::vector<OpusPacket>& packets, int64_t first_pts_48k) {
  REQUIRE_FALSE(packets.empty());
  CHECK(packets.front().pts_48k == first_pts_48k);
  for (size_t i = 1; i < packets.size(); ++i) REQUIRE(packets[i].pts_48k == packets[i - 1].pts_48k + 960);
}

}  // namespace

TEST_CASE("the fixture's AAC becomes one 20 ms Opus packet per 960 samples, on the input's timeline",
          "[transcode]") {
  const auto audio = h264_aac_fixture().only(TrackKind::audio);
  REQUIRE(audio.size() == 131);
  auto transcoder = make_transcoder(h264_aac_fixture().audio->specific_config);
  const auto packets = transcode(*transcoder, audio);
  // 131 frames of 1024 samples at 44.1 kHz: 3.042 s, 152 packets of 20 ms.
  const double seconds = 131 * 1024 / 44100.0;
  CHECK(std::abs(static_cast<double>(packets.size()) - seconds / 0.020) <= 2);
  // Anchored at the first frame (44 ms, after the AAC priming) for A/V sync; FLV's rounding of
  // 23.2 ms frames to 23 or 24 ms does not disturb the 960-sample steps.
  check_continuous(packets, audio.front().pts_ms * 48);
  const auto decoded = liverelay::testing::decode_opus(packets);
  CHECK(decoded.sample_rate == 48000);
  CHECK(decoded.channels == 2);
  for (int samples : decoded.samples_per_packet) REQUIRE(samples == 960);
  // The 440 Hz sine is still 440 Hz: resampled from 44.1 kHz, not just relabelled.
  CHECK(frequency(decoded.left, 4800, 96000, 48000) == Approx(440).epsilon(0.01));
}

TEST_CASE("48 kHz mono AAC comes out as stereo Opus at the same pitch", "[transcode]") {
  const AacTrack track = encode_mono_48k_sine();
  auto transcoder = make_transcoder(track.config);
  std::vector<OpusPacket> packets;
  for (size_t i = 0; i < track.frames.size(); ++i)
    REQUIRE(transcoder->push(track.frames[i], 1000 + track.pts_ms[i], packets));
  const double seconds = static_cast<double>(track.frames.size()) * 1024 / 48000;
  CHECK(std::abs(static_cast<double>(packets.size()) - seconds / 0.020) <= 2);
  check_continuous(packets, (1000 + track.pts_ms.front()) * 48);
  const auto decoded = liverelay::testing::decode_opus(packets);
  CHECK(decoded.channels == 2);
  for (int samples : decoded.samples_per_packet) REQUIRE(samples == 960);
  CHECK(frequency(decoded.left, 4800, 38400, 48000) == Approx(440).epsilon(0.01));
}

TEST_CASE("a garbage AAC frame is an error and the frames after it still transcode", "[transcode]") {
  const auto audio = h264_aac_fixture().only(TrackKind::audio);
  auto transcoder = make_transcoder(h264_aac_fixture().audio->specific_config);
  std::vector<OpusPacket> out;
  for (size_t i = 0; i < 10; ++i) REQUIRE(transcoder->push(audio[i].payload(), audio[i].pts_ms, out));
  const size_t before = out.size();
  std::vector<uint8_t> garbage(200);
  uint32_t seed = 12345;  // a fixed noise, so the test is the same every run
  for (auto& byte : garbage) byte = static_cast<uint8_t>((seed = seed * 1103515245 + 12345) >> 16);
  auto pushed = transcoder->push(garbage, audio[10].pts_ms, out);
  REQUIRE_FALSE(pushed);
  CHECK(pushed.error().code == Errc::malformed);
  CHECK(pushed.error().message.starts_with("aac to opus: aac decode: "));
  CHECK(out.size() == before);
  CHECK_FALSE(transcoder->push({}, audio[10].pts_ms, out));
  for (size_t i = 11; i < audio.size(); ++i)
    REQUIRE(transcoder->push(audio[i].payload(), audio[i].pts_ms, out));
  CHECK(out.size() > before + 100);
  // One lost 23 ms frame is well under the re-anchoring threshold: the timeline runs on.
  check_continuous(out, audio.front().pts_ms * 48);
  for (int samples : liverelay::testing::decode_opus(out).samples_per_packet) REQUIRE(samples == 960);
}

TEST_CASE("an AudioSpecificConfig that does not parse is refused at create", "[transcode]") {
  liverelay::testing::quiet_libav();
  CHECK_FALSE(AacToOpus::create(std::vector<uint8_t>{}));
  CHECK_FALSE(AacToOpus::create(std::vector<uint8_t>{0xff}));
  // Object type 0 ("null"), an escape to a sampling frequency index of 15 with no frequency.
  CHECK_FALSE(AacToOpus::create(std::vector<uint8_t>{0x07, 0x80}));
  CHECK_FALSE(AacToOpus::create(liverelay::fixtures::kAacLc44100StereoConfig, 1000));
  CHECK(AacToOpus::create(liverelay::fixtures::kAacLc44100StereoConfig));
}

TEST_CASE("a jump in the input's timestamps re-anchors the Opus timeline there", "[transcode]") {
  const auto audio = h264_aac_fixture().only(TrackKind::audio);
  const std::vector<MediaPacket> first(audio.begin(), audio.begin() + 60);
  const std::vector<MediaPacket> second(audio.begin() + 60, audio.end());
  auto transcoder = make_transcoder(h264_aac_fixture().audio->specific_config);
  const auto before = transcode(*transcoder, first);
  const auto after = transcode(*transcoder, second, 10000);
  check_continuous(before, first.front().pts_ms * 48);
  // The samples left over before the jump go out first, padded, on the old timeline; then the
  // timeline starts again at the jumped-to frame (60 frames leave 0.66 of a packet over).
  REQUIRE(after.size() >= 2);
  CHECK(after.front().pts_48k == before.back().pts_48k + 960);
  check_continuous(std::vector<OpusPacket>(after.begin() + 1, after.end()),
                   (second.front().pts_ms + 10000) * 48);
  for (int samples : liverelay::testing::decode_opus(after).samples_per_packet) REQUIRE(samples == 960);
}

TEST_CASE("after reset the next publisher's first frame anchors the timeline", "[transcode]") {
  const auto audio = h264_aac_fixture().only(TrackKind::audio);
  const std::vector<MediaPacket> first(audio.begin(), audio.begin() + 60);
  const std::vector<MediaPacket> second(audio.begin() + 60, audio.end());
  auto transcoder = make_transcoder(h264_aac_fixture().audio->specific_config);
  transcode(*transcoder, first);
  transcoder->reset();
  // The new publisher's clock starts at 0, below the old one: no tail of the old one goes out.
  const auto after = transcode(*transcoder, second, -second.front().pts_ms);
  check_continuous(after, 0);
  const double seconds = static_cast<double>(second.size()) * 1024 / 44100;
  CHECK(std::abs(static_cast<double>(after.size()) - seconds / 0.020) <= 2);
}
