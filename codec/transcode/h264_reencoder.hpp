// H.264 with B-frames (or a profile browsers refuse) re-encoded to Constrained Baseline for WebRTC.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "codec/avc/decoder_config.hpp"
#include "codec/transcode/av_handles.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::transcode {

struct EncodedVideoFrame {
  // AVCC: each NAL unit after a 4-byte big-endian length. A keyframe starts with the SPS and
  // PPS (an RTP receiver needs them in band before each IDR), then the IDR slice.
  std::vector<uint8_t> access_unit;
  int64_t pts_ms = 0;  // the source frame's pts; with no B-frames it is also the dts
  bool keyframe = false;
};

// Decodes AVCC H.264 with libavcodec's "h264" and encodes it again with "libx264": preset
// veryfast, tune zerolatency (no look-ahead, no frame threads), Constrained Baseline (no
// B-frames, CAVLC: what every browser decodes), the source's picture size, the given bitrate.
// An IDR is forced wherever the source has a keyframe and nowhere else (no keyint, no scene
// cut), so the output GOP follows the source's and a viewer joins where an RTMP one would.
// Synchronous and sans-I/O: the caller runs it on a worker thread, one instance per stream.
//
// Delay: the decoder holds frames for the source's reorder depth (the VUI's
// max_num_reorder_frames, 2 for x264 with 2 B-frames); the encoder adds none.
// 8-bit 4:2:0 sources only (what RTMP encoders send); others are refused at create.
class H264Reencoder {
 public:
  // `avcc_config` is the AVCDecoderConfigurationRecord; its first SPS gives the picture size
  // and frame rate. The encoder opens at once, so sps(), pps() and profile_level_id() are
  // known on return (for the SDP, before any media).
  static Result<std::unique_ptr<H264Reencoder>> create(std::span<const uint8_t> avcc_config,
                                                       int bitrate_kbps);
  ~H264Reencoder();
  H264Reencoder(const H264Reencoder&) = delete;
  H264Reencoder& operator=(const H264Reencoder&) = delete;

  // One access unit in decode order (AVCC with the record's length size) and appends the
  // frames now encoded, in presentation order. Frames before the first keyframe are skipped
  // (there is nothing to decode them against). Bytes that do not split into NAL units, or
  // that the decoder rejects, are an error; the reencoder stays usable.
  Result<void> push(std::span<const uint8_t> access_unit, int64_t dts_ms, int64_t pts_ms, bool keyframe,
                    std::vector<EncodedVideoFrame>& out);

  // Encodes the frames the decoder still holds (end of stream). Afterwards the reencoder
  // waits for a keyframe again, as after create.
  void flush(std::vector<EncodedVideoFrame>& out);

  // The next encoded frame is an IDR whatever the source sends (a receiver lost its picture:
  // RTCP PLI or FIR). It costs every viewer of this stream a keyframe's bytes.
  void request_keyframe() { keyframe_requested_ = true; }

  // NAL units with their header byte, no start code or length; from the encoder's global
  // header, so known once create succeeds.
  [[nodiscard]] const std::vector<std::vector<uint8_t>>& sps() const { return sps_; }
  [[nodiscard]] const std::vector<std::vector<uint8_t>>& pps() const { return pps_; }
  // RFC 6184 8.1 profile-level-id of the output: profile_idc, constraint flags, level_idc as
  // 6 lowercase hex digits ("42c01e": Constrained Baseline, level 3).
  [[nodiscard]] std::string profile_level_id() const;

  [[nodiscard]] int width() const { return width_; }
  [[nodiscard]] int height() const { return height_; }

 private:
  H264Reencoder() = default;
  Result<void> open_decoder(std::span<const uint8_t> avcc_config, bool reorders);
  Result<void> open_encoder(double frame_rate, int bitrate_kbps);
  Result<void> read_global_header();
  Result<void> drain_decoder(std::vector<EncodedVideoFrame>& out);
  Result<void> encode(std::vector<EncodedVideoFrame>& out);
  Result<void> drain_encoder(std::vector<EncodedVideoFrame>& out);
  bool source_keyframe_at(int64_t pts_ms);

  avc::DecoderConfig source_;
  CodecContextPtr decoder_;
  CodecContextPtr encoder_;
  FramePtr frame_;
  PacketPtr packet_;
  int width_ = 0;
  int height_ = 0;
  std::vector<std::vector<uint8_t>> sps_;
  std::vector<std::vector<uint8_t>> pps_;

  bool waiting_for_keyframe_ = true;
  bool keyframe_requested_ = false;
  std::deque<int64_t> keyframe_pts_;  // the source's keyframes still inside the decoder
};

}  // namespace liverelay::transcode
