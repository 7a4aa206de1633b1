// RTP packets back to H.264 NAL units (RFC 6184 single NAL unit, STAP-A and FU-A packets).
#include "protocol/rtp/h264_depacketizer.hpp"

#include <string>
#include <utility>

#include "protocol/core/byte_reader.hpp"
#include "protocol/rtp/h264_payload.hpp"

namespace liverelay::rtp {

void H264Depacketizer::reset() {
  in_frame_ = false;
  frame_ = H264Frame{};
  frame_bytes_ = 0;
  fragment_.reset();
}

Result<void> H264Depacketizer::grow(size_t bytes) {
  frame_bytes_ += bytes;
  if (frame_bytes_ > max_frame_bytes_) {
    return fail(Errc::over_limit, "access unit over " + std::to_string(max_frame_bytes_) + " bytes");
  }
  return {};
}

Result<void> H264Depacketizer::add_unit(std::span<const uint8_t> nal) {
  if (fragment_) return fail(Errc::malformed, "NAL unit inside an unfinished FU-A");
  if (auto grown = grow(nal.size()); !grown) return grown;
  frame_.nal_units.emplace_back(nal.begin(), nal.end());
  return {};
}

Result<void> H264Depacketizer::take_stap_a(std::span<const uint8_t> payload) {
  // RFC 6184 5.7.1: after the STAP-A header, 16-bit sizes each followed by that many bytes.
  ByteReader reader(payload.subspan(h264::kStapAHeader));
  if (reader.empty()) return fail(Errc::malformed, "empty STAP-A");
  while (!reader.empty()) {
    const auto size = reader.u16be();
    if (!size) return fail(Errc::truncated, "STAP-A ends inside a NAL unit size");
    if (*size == 0) return fail(Errc::malformed, "STAP-A holds a zero-length NAL unit");
    const auto nal = reader.bytes(*size);
    if (!nal) {
      return fail(Errc::truncated, "STAP-A NAL unit of " + std::to_string(*size) + " bytes with " +
                                       std::to_string(reader.remaining()) + " left");
    }
    if (auto added = add_unit(*nal); !added) return added;
  }
  return {};
}

Result<void> H264Depacketizer::take_fu_a(std::span<const uint8_t> payload) {
  // RFC 6184 5.8: indicator (F, NRI), header (S, E, R, type), then a piece of the unit's body.
  if (payload.size() < h264::kFuAOverhead + 1) return fail(Errc::truncated, "FU-A without data");
  const uint8_t indicator = payload[0];
  const uint8_t header = payload[1];
  const bool start = (header & h264::kFuStart) != 0;
  const bool end = (header & h264::kFuEnd) != 0;
  if (start && end) return fail(Errc::malformed, "FU-A with both start and end bits");
  if (start) {
    if (fragment_) return fail(Errc::malformed, "FU-A start inside an unfinished FU-A");
    fragment_.emplace();
    fragment_->push_back(
        static_cast<uint8_t>((indicator & (h264::kForbiddenBit | h264::kNriMask)) | h264::nal_type(header)));
    if (auto grown = grow(1); !grown) return grown;
  } else if (!fragment_) {
    return fail(Errc::malformed, "FU-A continued without its start");
  }
  const auto data = payload.subspan(h264::kFuAOverhead);
  if (auto grown = grow(data.size()); !grown) return grown;
  fragment_->insert(fragment_->end(), data.begin(), data.end());
  if (end) {
    frame_.nal_units.push_back(std::move(*fragment_));
    fragment_.reset();
  }
  return {};
}

Result<void> H264Depacketizer::take(std::span<const uint8_t> payload) {
  if (payload.empty()) return fail(Errc::truncated, "empty payload");
  const uint8_t type = h264::nal_type(payload[0]);
  if (type >= 1 && type <= h264::kLastSingleNalType) return add_unit(payload);
  if (type == h264::kStapA) return take_stap_a(payload);
  if (type == h264::kFuA) return take_fu_a(payload);
  if (type >= h264::kStapB && type <= h264::kFuB) {
    return fail(Errc::unsupported, "payload type " + std::to_string(type) + " (interleaved mode)");
  }
  return fail(Errc::malformed, "NAL type " + std::to_string(type));
}

Result<std::optional<H264Frame>> H264Depacketizer::push(const RtpPacket& packet) {
  const RtpHeader& header = packet.header;
  const std::string where = "h264 depacketizer: sequence " + std::to_string(header.sequence);
  const bool gap = expected_sequence_ && *expected_sequence_ != header.sequence;
  expected_sequence_ = static_cast<uint16_t>(header.sequence + 1);
  if (gap && in_frame_) {
    reset();
    return fail(Errc::malformed, where + ": packet lost, access unit dropped");
  }
  if (in_frame_ && header.timestamp != frame_.timestamp) {
    reset();
    return fail(Errc::malformed, where + ": new timestamp before the previous access unit's marker");
  }
  if (!in_frame_) {
    in_frame_ = true;
    frame_.timestamp = header.timestamp;
  }
  if (auto taken = take(packet.payload); !taken) {
    reset();
    return tl::unexpected(std::move(taken).error().context(where));
  }
  if (!header.marker) return std::optional<H264Frame>{};
  if (fragment_) {
    reset();
    return fail(Errc::malformed, where + ": marker inside an unfinished FU-A");
  }
  H264Frame done = std::move(frame_);
  reset();
  return std::optional<H264Frame>(std::move(done));
}

}  // namespace liverelay::rtp
