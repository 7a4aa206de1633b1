// AacToOpus: libavcodec aac -> libswresample to 48 kHz stereo -> libopus, 20 ms per packet.
#include "codec/transcode/aac_to_opus.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "codec/aac/audio_specific_config.hpp"
#include "codec/av_milliseconds.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace liverelay::transcode {
namespace {

constexpr int kOpusRate = 48000;
constexpr int kOpusChannels = 2;
constexpr int kOpusFrame = 960;  // 20 ms at 48 kHz: the packet time WebRTC expects
constexpr int64_t kSamplesPerMs = kOpusRate / 1000;
constexpr double kMaxJumpMs = 100;
// ISO 14496-3 4.5.3.1: at most 6144 bits per channel per frame; 8 channels at most here.
constexpr size_t kMaxAacFrameBytes = 8 * 6144 / 8;

}  // namespace

Result<std::unique_ptr<AacToOpus>> AacToOpus::create(std::span<const uint8_t> audio_specific_config,
                                                     int bitrate_bps) {
  std::unique_ptr<AacToOpus> transcoder(new AacToOpus());
  if (auto opened = transcoder->open(audio_specific_config, bitrate_bps); !opened)
    return tl::unexpected(std::move(opened.error()).context("aac to opus"));
  return transcoder;
}

AacToOpus::~AacToOpus() = default;

Result<void> AacToOpus::open(std::span<const uint8_t> audio_specific_config, int bitrate_bps) {
  if (bitrate_bps < 6000 || bitrate_bps > 510000)
    return fail(Errc::unsupported, "opus bitrate " + std::to_string(bitrate_bps) + " outside 6000..510000");
  auto config = aac::parse_audio_specific_config(audio_specific_config);
  if (!config) return tl::unexpected(std::move(config.error()).context("audio specific config"));
  if (config->channels < 1 || config->channels > 8)
    return fail(Errc::unsupported, "aac with " + std::to_string(config->channels) + " channels");

  auto decoder = alloc_codec_context("aac", false);
  if (!decoder) return tl::unexpected(decoder.error());
  decoder_ = std::move(*decoder);
  if (auto set = set_extradata(*decoder_, audio_specific_config); !set) return set;
  decoder_->pkt_timebase = kMilliseconds;
  if (int ret = avcodec_open2(decoder_.get(), nullptr, nullptr); ret < 0)
    return tl::unexpected(av_error(ret, "aac decoder"));

  auto encoder = alloc_codec_context("libopus", true);
  if (!encoder) return tl::unexpected(encoder.error());
  encoder_ = std::move(*encoder);
  encoder_->sample_rate = kOpusRate;
  encoder_->sample_fmt = AV_SAMPLE_FMT_FLT;
  av_channel_layout_default(&encoder_->ch_layout, kOpusChannels);
  encoder_->bit_rate = bitrate_bps;
  encoder_->time_base = AVRational{1, kOpusRate};
  av_opt_set(encoder_->priv_data, "frame_duration", "20", 0);
  if (int ret = avcodec_open2(encoder_.get(), nullptr, nullptr); ret < 0)
    return tl::unexpected(av_error(ret, "opus encoder"));
  if (encoder_->frame_size != kOpusFrame)
    return fail(Errc::unsupported, "opus encoder frame size " + std::to_string(encoder_->frame_size));

  fifo_.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLT, kOpusChannels, 4 * kOpusFrame));
  if (!fifo_) return fail(Errc::io, "sample fifo: out of memory");
  if (auto allocated = alloc_frame_and_packet(decoded_, packet_); !allocated) return allocated;
  to_encode_.reset(av_frame_alloc());
  if (!to_encode_) return fail(Errc::io, "frame: out of memory");
  return {};
}

Result<void> AacToOpus::push(std::span<const uint8_t> raw_aac_frame, int64_t pts_ms,
                             std::vector<OpusPacket>& out) {
  // An empty packet would tell the decoder the stream has ended.
  if (raw_aac_frame.empty()) return fail(Errc::malformed, "aac to opus: empty aac frame");
  if (raw_aac_frame.size() > kMaxAacFrameBytes)
    return fail(Errc::over_limit, "aac to opus: aac frame of " + std::to_string(raw_aac_frame.size()) +
                                      " bytes over " + std::to_string(kMaxAacFrameBytes));
  if (auto filled = fill_packet(*packet_, raw_aac_frame); !filled) return filled;
  packet_->pts = pts_ms;
  packet_->dts = pts_ms;
  const int sent = avcodec_send_packet(decoder_.get(), packet_.get());
  av_packet_unref(packet_.get());
  if (sent < 0) return tl::unexpected(av_error(sent, "aac to opus: aac decode", Errc::malformed));
  while (true) {
    const int ret = avcodec_receive_frame(decoder_.get(), decoded_.get());
    if (ret == AVERROR(EAGAIN)) return {};
    if (ret < 0) return tl::unexpected(av_error(ret, "aac to opus: aac decode", Errc::malformed));
    auto done = on_decoded(out);
    av_frame_unref(decoded_.get());
    if (!done) return tl::unexpected(std::move(done.error()).context("aac to opus"));
  }
}

void AacToOpus::reset() {
  avcodec_flush_buffers(decoder_.get());
  resampler_.reset();
  in_rate_ = 0;
  av_audio_fifo_reset(fifo_.get());
  anchor_48k_.reset();
  frames_since_anchor_ = 0;
}

Result<void> AacToOpus::on_decoded(std::vector<OpusPacket>& out) {
  const AVFrame& frame = *decoded_;
  if (frame.nb_samples <= 0 || frame.sample_rate <= 0) return {};
  const int64_t pts_ms = frame.pts != AV_NOPTS_VALUE ? frame.pts : static_cast<int64_t>(expected_next_ms_);
  if (!anchor_48k_ || std::abs(static_cast<double>(pts_ms) - expected_next_ms_) > kMaxJumpMs) {
    if (auto anchored = anchor_at(pts_ms, out); !anchored) return anchored;
  }
  expected_next_ms_ = static_cast<double>(pts_ms) + 1000.0 * frame.nb_samples / frame.sample_rate;
  if (auto resampled = resample(frame); !resampled) return resampled;
  return encode_ready(out);
}

Result<void> AacToOpus::anchor_at(int64_t pts_ms, std::vector<OpusPacket>& out) {
  if (anchor_48k_ && av_audio_fifo_size(fifo_.get()) > 0) {
    // The tail before the jump goes out as one last packet, padded with silence.
    if (auto sent = encode_one(av_audio_fifo_size(fifo_.get()), out); !sent) return sent;
  }
  anchor_48k_ = pts_ms * kSamplesPerMs;
  frames_since_anchor_ = 0;
  return {};
}

Result<void> AacToOpus::configure_resampler(const AVFrame& frame) {
  AVChannelLayout in_layout{};
  // A layout from a program config element may come unordered; swresample wants a known one.
  if (frame.ch_layout.order == AV_CHANNEL_ORDER_NATIVE)
    av_channel_layout_copy(&in_layout, &frame.ch_layout);
  else
    av_channel_layout_default(&in_layout, frame.ch_layout.nb_channels);
  AVChannelLayout out_layout{};
  av_channel_layout_default(&out_layout, kOpusChannels);
  SwrContext* swr = nullptr;
  int ret = swr_alloc_set_opts2(&swr, &out_layout, AV_SAMPLE_FMT_FLT, kOpusRate, &in_layout,
                                static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&in_layout);
  av_channel_layout_uninit(&out_layout);
  resampler_.reset(swr);
  if (ret >= 0) ret = swr_init(resampler_.get());
  if (ret < 0) {
    resampler_.reset();
    in_rate_ = 0;
    return tl::unexpected(av_error(ret, "resampler from " + std::to_string(frame.sample_rate) + " Hz"));
  }
  in_rate_ = frame.sample_rate;
  in_format_ = frame.format;
  in_channels_ = frame.ch_layout.nb_channels;
  in_layout_mask_ = frame.ch_layout.order == AV_CHANNEL_ORDER_NATIVE ? frame.ch_layout.u.mask : 0;
  return {};
}

Result<void> AacToOpus::resample(const AVFrame& frame) {
  const uint64_t mask = frame.ch_layout.order == AV_CHANNEL_ORDER_NATIVE ? frame.ch_layout.u.mask : 0;
  if (!resampler_ || frame.sample_rate != in_rate_ || frame.format != in_format_ ||
      frame.ch_layout.nb_channels != in_channels_ || mask != in_layout_mask_) {
    // The samples still inside the old resampler are dropped: a format change mid-stream is
    // rare (implicit SBR shows in the first frame) and a few samples are not worth a flush.
    if (auto configured = configure_resampler(frame); !configured) return configured;
  }
  const int capacity = swr_get_out_samples(resampler_.get(), frame.nb_samples);
  if (capacity < 0) return tl::unexpected(av_error(capacity, "resampler"));
  resampled_.resize(static_cast<size_t>(capacity) * kOpusChannels);
  uint8_t* planes[1] = {reinterpret_cast<uint8_t*>(resampled_.data())};
  const int converted = swr_convert(resampler_.get(), planes, capacity,
                                    const_cast<const uint8_t**>(frame.extended_data), frame.nb_samples);
  if (converted < 0) return tl::unexpected(av_error(converted, "resample"));
  void* data[1] = {resampled_.data()};
  if (int ret = av_audio_fifo_write(fifo_.get(), data, converted); ret < 0)
    return tl::unexpected(av_error(ret, "sample fifo"));
  return {};
}

Result<void> AacToOpus::encode_ready(std::vector<OpusPacket>& out) {
  while (av_audio_fifo_size(fifo_.get()) >= kOpusFrame) {
    if (auto sent = encode_one(kOpusFrame, out); !sent) return sent;
  }
  return {};
}

Result<void> AacToOpus::encode_one(int samples_from_fifo, std::vector<OpusPacket>& out) {
  AVFrame& frame = *to_encode_;
  av_frame_unref(&frame);
  frame.nb_samples = kOpusFrame;
  frame.format = AV_SAMPLE_FMT_FLT;
  frame.sample_rate = kOpusRate;
  av_channel_layout_default(&frame.ch_layout, kOpusChannels);
  if (int ret = av_frame_get_buffer(&frame, 0); ret < 0) return tl::unexpected(av_error(ret, "opus frame"));
  void* data[1] = {frame.data[0]};
  const int read = av_audio_fifo_read(fifo_.get(), data, samples_from_fifo);
  if (read < 0) return tl::unexpected(av_error(read, "sample fifo"));
  if (read < kOpusFrame)
    av_samples_set_silence(frame.data, read, kOpusFrame - read, kOpusChannels, AV_SAMPLE_FMT_FLT);
  const int64_t pts = *anchor_48k_ + frames_since_anchor_ * kOpusFrame;
  frame.pts = pts;
  const int ret = avcodec_send_frame(encoder_.get(), &frame);
  av_frame_unref(&frame);
  if (ret < 0) return tl::unexpected(av_error(ret, "opus encode"));
  ++frames_since_anchor_;
  pending_pts_.push_back(pts);
  return receive_packets(out);
}

Result<void> AacToOpus::receive_packets(std::vector<OpusPacket>& out) {
  while (true) {
    const int ret = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN)) return {};
    if (ret < 0) return tl::unexpected(av_error(ret, "opus encode"));
    // libopus gives one packet per frame; the queue keeps each packet with its own frame's pts
    // even if an encoder held one back.
    const int64_t pts = pending_pts_.empty() ? packet_->pts : pending_pts_.front();
    if (!pending_pts_.empty()) pending_pts_.pop_front();
    out.push_back(OpusPacket{std::vector<uint8_t>(packet_->data, packet_->data + packet_->size), pts});
    av_packet_unref(packet_.get());
  }
}

}  // namespace liverelay::transcode
