// H264Reencoder: libavcodec h264 -> libx264 Constrained Baseline, IDRs where the source has keyframes.
#include "codec/transcode/h264_reencoder.hpp"

#include <string>
#include <utility>

#include "codec/av_milliseconds.hpp"
#include "codec/avc/nal.hpp"
#include "codec/avc/profile_level.hpp"
#include "codec/avc/sps.hpp"
#include "codec/transcode/annexb_units.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/opt.h>
#include <libavutil/rational.h>
}

namespace liverelay::transcode {
namespace {

constexpr int kMaxDimension = 4096;
constexpr size_t kMaxAccessUnitBytes = 16 * 1024 * 1024;
constexpr size_t kMaxPendingKeyframes = 64;
constexpr double kDefaultFrameRate = 30;
constexpr uint8_t kProfileBaseline = 66;
constexpr uint8_t kNalSps = 7;
constexpr uint8_t kNalPps = 8;
constexpr uint8_t kNalAud = 9;

// No keyint and no scene cut: IDRs come only where push() forces them. The level is left to
// x264, which derives it from the size, the frame rate and the VBV.
constexpr const char* kX264Params = "keyint=infinite:scenecut=0";

}  // namespace

Result<std::unique_ptr<H264Reencoder>> H264Reencoder::create(std::span<const uint8_t> avcc_config,
                                                             int bitrate_kbps) {
  std::unique_ptr<H264Reencoder> reencoder(new H264Reencoder());
  auto failed = [](Error error) { return tl::unexpected(std::move(error).context("h264 reencoder")); };
  if (bitrate_kbps < 50 || bitrate_kbps > 50000)
    return failed(
        Error{Errc::unsupported, "bitrate " + std::to_string(bitrate_kbps) + " kb/s outside 50..50000"});
  auto config = avc::parse_decoder_config(avcc_config);
  if (!config) return failed(std::move(config.error()).context("avcC"));
  if (config->sps.empty()) return failed(Error{Errc::malformed, "avcC: no SPS"});
  auto sps = avc::parse_sps(config->sps.front());
  if (!sps) return failed(std::move(sps.error()).context("avcC: SPS"));
  if (sps->chroma_format_idc != 1 || sps->bit_depth_luma != 8 || sps->bit_depth_chroma != 8)
    return failed(Error{Errc::unsupported, "only 8-bit 4:2:0 is re-encoded (chroma_format_idc " +
                                               std::to_string(sps->chroma_format_idc) + ", " +
                                               std::to_string(sps->bit_depth_luma) + " bits)"});
  if (sps->width <= 0 || sps->height <= 0 || sps->width > kMaxDimension || sps->height > kMaxDimension)
    return failed(Error{Errc::over_limit, "picture " + std::to_string(sps->width) + "x" +
                                              std::to_string(sps->height) + " outside 1..4096"});
  reencoder->source_ = std::move(*config);
  reencoder->width_ = sps->width;
  reencoder->height_ = sps->height;
  // Baseline has no B slices, so the decoder may output each frame at once.
  const bool reorders = sps->profile_idc != kProfileBaseline;
  if (auto opened = reencoder->open_decoder(avcc_config, reorders); !opened) return failed(opened.error());
  if (auto opened = reencoder->open_encoder(sps->frame_rate.value_or(kDefaultFrameRate), bitrate_kbps);
      !opened)
    return failed(opened.error());
  if (auto allocated = alloc_frame_and_packet(reencoder->frame_, reencoder->packet_); !allocated)
    return failed(allocated.error());
  return reencoder;
}

H264Reencoder::~H264Reencoder() = default;

Result<void> H264Reencoder::open_decoder(std::span<const uint8_t> avcc_config, bool reorders) {
  auto decoder = alloc_codec_context("h264", false);
  if (!decoder) return tl::unexpected(decoder.error());
  decoder_ = std::move(*decoder);
  if (auto set = set_extradata(*decoder_, avcc_config); !set) return set;
  decoder_->pkt_timebase = kMilliseconds;
  decoder_->thread_count = 1;  // frame threads would hold back one frame per thread
  if (!reorders) decoder_->flags |= AV_CODEC_FLAG_LOW_DELAY;
  if (int ret = avcodec_open2(decoder_.get(), nullptr, nullptr); ret < 0)
    return tl::unexpected(av_error(ret, "h264 decoder"));
  return {};
}

Result<void> H264Reencoder::open_encoder(double frame_rate, int bitrate_kbps) {
  auto encoder = alloc_codec_context("libx264", true);
  if (!encoder) return tl::unexpected(encoder.error());
  encoder_ = std::move(*encoder);
  AVCodecContext& x264 = *encoder_;
  x264.width = width_;
  x264.height = height_;
  x264.pix_fmt = AV_PIX_FMT_YUV420P;
  x264.time_base = kMilliseconds;
  // zerolatency turns off x264's timestamp-based rate control: bits per frame follow this rate.
  if (frame_rate < 1 || frame_rate > 240) frame_rate = kDefaultFrameRate;
  x264.framerate = av_d2q(frame_rate, 100000);
  x264.bit_rate = static_cast<int64_t>(bitrate_kbps) * 1000;
  x264.rc_max_rate = x264.bit_rate;
  x264.rc_buffer_size = static_cast<int>(x264.bit_rate);  // one second of VBV buffer
  x264.max_b_frames = 0;
  x264.thread_count = 1;  // one worker thread per stream; 1 also keeps x264 from delaying frames
  x264.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av_opt_set(x264.priv_data, "preset", "veryfast", 0);
  av_opt_set(x264.priv_data, "tune", "zerolatency", 0);
  av_opt_set(x264.priv_data, "profile", "baseline", 0);  // x264's baseline is Constrained Baseline
  av_opt_set_int(x264.priv_data, "forced-idr", 1, 0);
  av_opt_set(x264.priv_data, "x264-params", kX264Params, 0);
  if (int ret = avcodec_open2(&x264, nullptr, nullptr); ret < 0)
    return tl::unexpected(av_error(ret, "libx264 encoder"));
  return read_global_header();
}

Result<void> H264Reencoder::read_global_header() {
  for (auto nal : split_annexb({encoder_->extradata, static_cast<size_t>(encoder_->extradata_size)})) {
    if (avc::nal_type(nal[0]) == kNalSps) sps_.emplace_back(nal.begin(), nal.end());
    if (avc::nal_type(nal[0]) == kNalPps) pps_.emplace_back(nal.begin(), nal.end());
  }
  if (sps_.empty() || pps_.empty() || sps_.front().size() < 4)
    return fail(Errc::io, "libx264 encoder: no SPS and PPS in its global header");
  return {};
}

std::string H264Reencoder::profile_level_id() const {
  if (sps_.empty() || sps_.front().size() < 4) return {};
  return avc::profile_level_id(sps_.front()[1], sps_.front()[2], sps_.front()[3]);
}

Result<void> H264Reencoder::push(std::span<const uint8_t> access_unit, int64_t dts_ms, int64_t pts_ms,
                                 bool keyframe, std::vector<EncodedVideoFrame>& out) {
  if (access_unit.empty()) return fail(Errc::malformed, "h264 reencoder: empty access unit");
  if (access_unit.size() > kMaxAccessUnitBytes)
    return fail(Errc::over_limit, "h264 reencoder: access unit of " + std::to_string(access_unit.size()) +
                                      " bytes over " + std::to_string(kMaxAccessUnitBytes));
  if (auto units = avc::split_avcc(access_unit, source_.length_size); !units)
    return tl::unexpected(std::move(units.error()).context("h264 reencoder: access unit"));
  if (waiting_for_keyframe_ && !keyframe) return {};
  waiting_for_keyframe_ = false;
  if (keyframe) {
    keyframe_pts_.push_back(pts_ms);
    if (keyframe_pts_.size() > kMaxPendingKeyframes) keyframe_pts_.pop_front();
  }
  if (auto filled = fill_packet(*packet_, access_unit); !filled) return filled;
  packet_->pts = pts_ms;
  packet_->dts = dts_ms;
  if (keyframe) packet_->flags |= AV_PKT_FLAG_KEY;
  const int sent = avcodec_send_packet(decoder_.get(), packet_.get());
  av_packet_unref(packet_.get());
  if (sent < 0) return tl::unexpected(av_error(sent, "h264 reencoder: decode", Errc::malformed));
  if (auto drained = drain_decoder(out); !drained)
    return tl::unexpected(std::move(drained.error()).context("h264 reencoder"));
  return {};
}

void H264Reencoder::flush(std::vector<EncodedVideoFrame>& out) {
  if (!waiting_for_keyframe_ && avcodec_send_packet(decoder_.get(), nullptr) >= 0) {
    // Frames that fail to encode here are lost: the stream is ending anyway.
    (void)drain_decoder(out);
  }
  // Back to a decoder that takes packets again. x264 (zerolatency, one thread) holds no
  // frames, so its state needs no flush: the next keyframe is forced to an IDR anyway.
  avcodec_flush_buffers(decoder_.get());
  waiting_for_keyframe_ = true;
  keyframe_pts_.clear();
}

Result<void> H264Reencoder::drain_decoder(std::vector<EncodedVideoFrame>& out) {
  while (true) {
    const int ret = avcodec_receive_frame(decoder_.get(), frame_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return {};
    if (ret < 0) return tl::unexpected(av_error(ret, "decode", Errc::malformed));
    auto encoded = encode(out);
    av_frame_unref(frame_.get());
    if (!encoded) return encoded;
  }
}

bool H264Reencoder::source_keyframe_at(int64_t pts_ms) {
  // Frames come out in presentation order: a keyframe pts below this one was never output.
  while (!keyframe_pts_.empty() && keyframe_pts_.front() < pts_ms) keyframe_pts_.pop_front();
  if (keyframe_pts_.empty() || keyframe_pts_.front() != pts_ms) return false;
  keyframe_pts_.pop_front();
  return true;
}

Result<void> H264Reencoder::encode(std::vector<EncodedVideoFrame>& out) {
  AVFrame& frame = *frame_;
  if (frame.width != width_ || frame.height != height_)
    return fail(Errc::unsupported, "picture size changed from " + std::to_string(width_) + "x" +
                                       std::to_string(height_) + " to " + std::to_string(frame.width) + "x" +
                                       std::to_string(frame.height) + " without a new avcC");
  // yuvj420p (full range) has the same planes; only its range flag is not carried over.
  if (frame.format != AV_PIX_FMT_YUV420P && frame.format != AV_PIX_FMT_YUVJ420P)
    return fail(Errc::unsupported,
                std::string("decoded pixel format ") + std::to_string(frame.format) + " is not 8-bit 4:2:0");
  if (frame.pts == AV_NOPTS_VALUE) frame.pts = frame.best_effort_timestamp;
  const bool key = source_keyframe_at(frame.pts) || keyframe_requested_;
  // libx264 takes the frame's picture type as an order: the decoder's I/P/B must not leak in.
  frame.pict_type = key ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  if (key) keyframe_requested_ = false;
  if (int ret = avcodec_send_frame(encoder_.get(), &frame); ret < 0)
    return tl::unexpected(av_error(ret, "encode"));
  return drain_encoder(out);
}

Result<void> H264Reencoder::drain_encoder(std::vector<EncodedVideoFrame>& out) {
  while (true) {
    const int ret = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return {};
    if (ret < 0) return tl::unexpected(av_error(ret, "encode"));
    EncodedVideoFrame encoded;
    encoded.pts_ms = packet_->pts;
    encoded.keyframe = (packet_->flags & AV_PKT_FLAG_KEY) != 0;
    encoded.access_unit.reserve(static_cast<size_t>(packet_->size) + 128);
    if (encoded.keyframe) {
      for (const auto& sps : sps_) append_avcc(encoded.access_unit, sps);
      for (const auto& pps : pps_) append_avcc(encoded.access_unit, pps);
    }
    for (auto nal : split_annexb({packet_->data, static_cast<size_t>(packet_->size)})) {
      const uint8_t type = avc::nal_type(nal[0]);
      if (type == kNalSps || type == kNalPps || type == kNalAud) continue;
      append_avcc(encoded.access_unit, nal);
    }
    av_packet_unref(packet_.get());
    out.push_back(std::move(encoded));
  }
}

}  // namespace liverelay::transcode
