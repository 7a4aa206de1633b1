// RTP packets back to H.264 NAL units (RFC 6184 modes 0 and 1): to verify what the packetizer
// sends, and to read what a WebRTC peer sends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/rtp/rtp_header.hpp"

namespace liverelay::rtp {

struct H264Frame {
  uint32_t timestamp = 0;
  std::vector<std::vector<uint8_t>> nal_units;  // each with its header byte

  bool operator==(const H264Frame&) const = default;
};

// Takes one stream's packets in sequence order. Strict, as a check should be: a sequence gap, a
// new timestamp before the marker, an FU-A continued without its start or an aggregation whose
// sizes do not add up is an error; the access unit in progress is dropped and the next packet
// starts afresh. STAP-B, MTAP and FU-B (interleaved mode 2) are refused as unsupported.
class H264Depacketizer {
 public:
  explicit H264Depacketizer(size_t max_frame_bytes = 8 * 1024 * 1024) : max_frame_bytes_(max_frame_bytes) {}

  // The completed access unit when `packet` carries the marker bit, otherwise nothing yet.
  Result<std::optional<H264Frame>> push(const RtpPacket& packet);

 private:
  Result<void> take(std::span<const uint8_t> payload);
  Result<void> take_stap_a(std::span<const uint8_t> payload);
  Result<void> take_fu_a(std::span<const uint8_t> payload);
  Result<void> add_unit(std::span<const uint8_t> nal);
  Result<void> grow(size_t bytes);
  void reset();

  size_t max_frame_bytes_;
  std::optional<uint16_t> expected_sequence_;
  bool in_frame_ = false;
  H264Frame frame_;
  size_t frame_bytes_ = 0;
  std::optional<std::vector<uint8_t>> fragment_;  // an FU-A unit being put together
};

}  // namespace liverelay::rtp
