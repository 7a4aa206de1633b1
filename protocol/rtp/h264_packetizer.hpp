// H.264 access units (AVCC) to RTP packets, RFC 6184 packetization-mode 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/rtp/rtp_batch.hpp"

namespace liverelay::rtp {

struct H264PacketizerConfig {
  // The stream's own values. Each viewer rewrites SSRC, sequence number and payload type on its
  // copy (rtp_header.hpp), so these only need to be consistent within the stream.
  uint8_t payload_type = 96;
  uint32_t ssrc = 0;
  uint16_t first_sequence = 0;
  // RFC 3550 5.1: the first timestamp should be random; the caller draws it (this code is pure).
  uint32_t timestamp_offset = 0;
  // Bytes of RTP payload per packet, headers not counted: 1200 leaves room for the RTP header,
  // SRTP's tag, header extensions and a tunnel under a 1500-byte MTU. At least 3 (FU-A needs 2
  // bytes of headers plus one of data).
  size_t max_payload_size = 1200;
  int nal_length_size = 4;  // AVCC lengthSizeMinusOne + 1, 1..4
};

// One packetizer per stream: its output is shared by every viewer.
//
// RFC 6184 packetization-mode 1 (non-interleaved): each NAL unit that fits goes as a single NAL
// unit packet (5.6), a larger one as FU-A fragments (5.8) keeping the unit's F and NRI bits, and
// SPS and PPS go together as one STAP-A (5.7.1) before every access unit with an IDR, so a viewer
// joining at any keyframe can decode. Access unit delimiters and filler data are dropped: they
// carry nothing a WebRTC decoder uses and cost a packet each. The marker bit is set on the last
// packet of each access unit (5.1).
class H264Packetizer {
 public:
  // Throws std::invalid_argument for a max_payload_size under 3 or over 65535 - 12, a
  // nal_length_size outside 1..4, or a payload type over 127.
  explicit H264Packetizer(H264PacketizerConfig config);

  // The parameter sets (NAL units with their header byte, as in the AVCDecoderConfigurationRecord)
  // sent before each IDR from now on; called again when the publisher sends a new sequence
  // header. Needs at least one SPS (type 7) and one PPS (type 8). When they do not fit in one
  // STAP-A of max_payload_size, each goes in its own packet instead.
  Result<void> set_parameter_sets(std::span<const std::vector<uint8_t>> sps,
                                  std::span<const std::vector<uint8_t>> pps);

  // Appends the packets of one access unit (length-prefixed NAL units) to `out` and returns how
  // many. The RTP timestamp is timestamp_offset + pts_ms * 90, modulo 2^32. With `keyframe`, or
  // when an IDR slice is among the units, the parameter sets go first (before any SEI: a
  // buffering-period SEI names its SPS); parameter sets already in the access unit are sent where
  // they are as well. An access unit with nothing but delimiters and filler gives no packet. A
  // malformed access unit gives an error, appends nothing and uses no sequence numbers.
  Result<size_t> packetize(std::span<const uint8_t> access_unit, int64_t pts_ms, bool keyframe,
                           RtpBatch& out);

  // The sequence number the next packet will carry.
  [[nodiscard]] uint16_t next_sequence() const { return next_sequence_; }

  // RFC 6184 8.2.1: the 90 kHz RTP timestamp for a presentation time in milliseconds.
  [[nodiscard]] uint32_t rtp_timestamp(int64_t pts_ms) const;

 private:
  Result<void> split(std::span<const uint8_t> access_unit);
  void write_packet(RtpBatch& out, uint32_t timestamp, bool marker, std::span<const uint8_t> prefix,
                    std::span<const uint8_t> body);
  void write_nal(RtpBatch& out, uint32_t timestamp, bool last, std::span<const uint8_t> nal);
  void write_parameter_sets(RtpBatch& out, uint32_t timestamp);
  [[nodiscard]] size_t packets_for(size_t nal_size) const;

  H264PacketizerConfig config_;
  uint16_t next_sequence_;
  std::vector<std::span<const uint8_t>> units_;       // scratch, reused across access units
  std::vector<std::vector<uint8_t>> parameter_sets_;  // SPS then PPS
  std::vector<uint8_t> stap_a_;  // built once per set_parameter_sets; empty when it does not fit
};

}  // namespace liverelay::rtp
