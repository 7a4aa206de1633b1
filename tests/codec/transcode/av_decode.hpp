// Test helper: decodes the transcoders' output with libavcodec, as a browser's decoder would.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <span>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
}

namespace liverelay::testing {

// x264 prints its settings at every open and the decoders report the garbage tests feed them.
inline void quiet_libav() {
  av_log_set_level(AV_LOG_QUIET);
}

struct DecodedPicture {
  int width = 0;
  int height = 0;
  AVPictureType type = AV_PICTURE_TYPE_NONE;
  bool key = false;
};

struct DecodedAudio {
  std::vector<int> samples_per_packet;  // -1 where a packet failed to decode
  int sample_rate = 0;
  int channels = 0;
  std::vector<float> left;  // the first channel, all packets joined
};

class Decoder {
 public:
  Decoder(const char* name, std::span<const uint8_t> extradata) {
    context_ = avcodec_alloc_context3(avcodec_find_decoder_by_name(name));
    REQUIRE(context_ != nullptr);
    if (!extradata.empty()) {
      context_->extradata =
          static_cast<uint8_t*>(av_mallocz(extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
      std::copy(extradata.begin(), extradata.end(), context_->extradata);
      context_->extradata_size = static_cast<int>(extradata.size());
    }
    if (context_->codec_type == AVMEDIA_TYPE_AUDIO) {
      context_->sample_rate = 48000;
      av_channel_layout_default(&context_->ch_layout, 2);
    }
    REQUIRE(avcodec_open2(context_, nullptr, nullptr) == 0);
    packet_ = av_packet_alloc();
    frame_ = av_frame_alloc();
  }
  ~Decoder() {
    av_frame_free(&frame_);
    av_packet_free(&packet_);
    avcodec_free_context(&context_);
  }
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Sends one packet (or the end of stream when empty) and calls `on_frame` for each frame out.
  template <class OnFrame>
  int decode(std::span<const uint8_t> bytes, OnFrame&& on_frame) {
    int ret = 0;
    if (bytes.empty()) {
      ret = avcodec_send_packet(context_, nullptr);
    } else {
      REQUIRE(av_new_packet(packet_, static_cast<int>(bytes.size())) == 0);
      std::copy(bytes.begin(), bytes.end(), packet_->data);
      ret = avcodec_send_packet(context_, packet_);
      av_packet_unref(packet_);
    }
    if (ret < 0) return ret;
    while ((ret = avcodec_receive_frame(context_, frame_)) >= 0) {
      on_frame(*frame_);
      av_frame_unref(frame_);
    }
    return ret == AVERROR(EAGAIN) || ret == AVERROR_EOF ? 0 : ret;
  }

 private:
  AVCodecContext* context_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
};

template <class Packets>
DecodedAudio decode_opus(const Packets& packets) {
  Decoder decoder("opus", {});
  DecodedAudio audio;
  for (const auto& packet : packets) {
    int samples = -1;
    const int ret = decoder.decode(packet.data, [&](const AVFrame& frame) {
      samples = frame.nb_samples;
      audio.sample_rate = frame.sample_rate;
      audio.channels = frame.ch_layout.nb_channels;
      REQUIRE(frame.format == AV_SAMPLE_FMT_FLTP);
      const auto* left = reinterpret_cast<const float*>(frame.data[0]);
      audio.left.insert(audio.left.end(), left, left + frame.nb_samples);
    });
    audio.samples_per_packet.push_back(ret < 0 ? -1 : samples);
  }
  return audio;
}

// AVCDecoderConfigurationRecord (ISO 14496-15 5.2.4.1) for one SPS and one PPS, 4-byte lengths.
inline std::vector<uint8_t> avcc_record(const std::vector<uint8_t>& sps, const std::vector<uint8_t>& pps) {
  const auto u8 = [](size_t value) { return static_cast<uint8_t>(value); };
  std::vector<uint8_t> record;
  record.reserve(11 + sps.size() + pps.size());
  // Version 1, profile, compatibility, level, 4-byte lengths, one SPS.
  for (uint8_t byte : {uint8_t{1}, sps[1], sps[2], sps[3], uint8_t{0xff}, uint8_t{0xe1}})
    record.push_back(byte);
  for (uint8_t byte : {u8(sps.size() >> 8), u8(sps.size())}) record.push_back(byte);
  record.insert(record.end(), sps.begin(), sps.end());
  for (uint8_t byte : {uint8_t{1}, u8(pps.size() >> 8), u8(pps.size())}) record.push_back(byte);
  record.insert(record.end(), pps.begin(), pps.end());
  return record;
}

// Decodes AVCC access units (in decode order) against `record`, flushing at the end.
template <class Frames>
std::vector<DecodedPicture> decode_h264(const std::vector<uint8_t>& record, const Frames& frames) {
  Decoder decoder("h264", record);
  std::vector<DecodedPicture> pictures;
  auto keep = [&](const AVFrame& frame) {
    pictures.push_back({frame.width, frame.height, frame.pict_type, frame.key_frame != 0});
  };
  for (const auto& frame : frames) REQUIRE(decoder.decode(frame.access_unit, keep) == 0);
  REQUIRE(decoder.decode({}, keep) == 0);
  return pictures;
}

}  // namespace liverelay::testing
