// H.264 access units (AVCC) to RTP packets, RFC 6184 packetization-mode 1.
#include "protocol/rtp/h264_packetizer.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "protocol/core/byte_reader.hpp"
#include "protocol/rtp/h264_payload.hpp"
#include "protocol/rtp/rtp_header.hpp"

namespace liverelay::rtp {

namespace {

constexpr size_t kMinPayloadSize = h264::kFuAOverhead + 1;
constexpr size_t kMaxPayloadSize = 65535 - kRtpHeaderSize;  // what a UDP datagram's length allows

void check_config(const H264PacketizerConfig& config) {
  if (config.max_payload_size < kMinPayloadSize || config.max_payload_size > kMaxPayloadSize) {
    throw std::invalid_argument("h264 packetizer: max payload size " +
                                std::to_string(config.max_payload_size) + " outside 3..65523");
  }
  if (config.nal_length_size < 1 || config.nal_length_size > 4) {
    throw std::invalid_argument("h264 packetizer: NAL length size " + std::to_string(config.nal_length_size));
  }
  if (config.payload_type > 127) {
    throw std::invalid_argument("h264 packetizer: payload type " + std::to_string(config.payload_type));
  }
}

// RFC 6184 5.2: types 1..23 travel as themselves; 0 and 24..31 would read as payload structures
// (or nothing) at the receiver, so an access unit holding one cannot be sent as it is.
bool sendable_type(uint8_t type) {
  return type >= 1 && type <= h264::kLastSingleNalType;
}

bool dropped_type(uint8_t type) {
  return type == h264::kAccessUnitDelimiter || type == h264::kFiller;
}

Result<void> check_parameter_set(std::span<const uint8_t> nal, uint8_t type, const char* name) {
  if (nal.empty()) return fail(Errc::malformed, std::string("h264 packetizer: empty ") + name);
  if (h264::nal_type(nal[0]) != type) {
    return fail(Errc::malformed, std::string("h264 packetizer: ") + name + " has NAL type " +
                                     std::to_string(h264::nal_type(nal[0])));
  }
  // RFC 6184 5.7.1: a STAP-A gives each unit a 16-bit size.
  if (nal.size() > 0xffff) {
    return fail(Errc::over_limit,
                std::string("h264 packetizer: ") + name + " of " + std::to_string(nal.size()) + " bytes");
  }
  return {};
}

}  // namespace

H264Packetizer::H264Packetizer(H264PacketizerConfig config)
    : config_(config), next_sequence_(config.first_sequence) {
  check_config(config_);
}

uint32_t H264Packetizer::rtp_timestamp(int64_t pts_ms) const {
  // Modulo 2^32 by design (RFC 3550 5.1): the unsigned conversion wraps, negative pts included.
  const auto ticks = static_cast<uint64_t>(pts_ms) * (h264::kClockRate / 1000);
  return config_.timestamp_offset + static_cast<uint32_t>(ticks);
}

Result<void> H264Packetizer::set_parameter_sets(std::span<const std::vector<uint8_t>> sps,
                                                std::span<const std::vector<uint8_t>> pps) {
  if (sps.empty() || pps.empty()) {
    return fail(Errc::malformed, "h264 packetizer: parameter sets need at least one SPS and one PPS");
  }
  for (const auto& nal : sps) {
    if (auto checked = check_parameter_set(nal, h264::kSps, "SPS"); !checked) return checked;
  }
  for (const auto& nal : pps) {
    if (auto checked = check_parameter_set(nal, h264::kPps, "PPS"); !checked) return checked;
  }
  parameter_sets_.assign(sps.begin(), sps.end());
  parameter_sets_.insert(parameter_sets_.end(), pps.begin(), pps.end());

  // RFC 6184 5.7.1: F is set when any unit's F is, NRI is the highest of the units'.
  size_t size = h264::kStapAHeader;
  uint8_t forbidden = 0;
  uint8_t nri = 0;
  for (const auto& nal : parameter_sets_) {
    size += h264::kStapASizeField + nal.size();
    forbidden |= nal[0] & h264::kForbiddenBit;
    nri = std::max<uint8_t>(nri, nal[0] & h264::kNriMask);
  }
  stap_a_.clear();
  if (size > config_.max_payload_size) return {};
  stap_a_.reserve(size);
  stap_a_.push_back(static_cast<uint8_t>(forbidden | nri | h264::kStapA));
  for (const auto& nal : parameter_sets_) {
    stap_a_.push_back(static_cast<uint8_t>(nal.size() >> 8));
    stap_a_.push_back(static_cast<uint8_t>(nal.size()));
    stap_a_.insert(stap_a_.end(), nal.begin(), nal.end());
  }
  return {};
}

Result<void> H264Packetizer::split(std::span<const uint8_t> access_unit) {
  units_.clear();
  ByteReader reader(access_unit);
  const auto length_size = static_cast<size_t>(config_.nal_length_size);
  while (!reader.empty()) {
    const auto prefix = reader.bytes(length_size);
    if (!prefix) return fail(Errc::truncated, "h264 packetizer: access unit ends inside a NAL length");
    size_t length = 0;
    for (uint8_t byte : *prefix) length = (length << 8) | byte;
    if (length == 0) return fail(Errc::malformed, "h264 packetizer: zero-length NAL unit");
    const auto nal = reader.bytes(length);
    if (!nal) {
      return fail(Errc::truncated, "h264 packetizer: NAL unit of " + std::to_string(length) + " bytes with " +
                                       std::to_string(reader.remaining()) + " left");
    }
    const uint8_t type = h264::nal_type((*nal)[0]);
    if (!sendable_type(type)) {
      return fail(Errc::unsupported, "h264 packetizer: NAL type " + std::to_string(type));
    }
    if (!dropped_type(type)) units_.push_back(*nal);
  }
  return {};
}

size_t H264Packetizer::packets_for(size_t nal_size) const {
  if (nal_size <= config_.max_payload_size) return 1;
  const size_t chunk = config_.max_payload_size - h264::kFuAOverhead;
  return (nal_size - 1 + chunk - 1) / chunk;  // the header byte travels in the FU indicator
}

void H264Packetizer::write_packet(RtpBatch& out, uint32_t timestamp, bool marker,
                                  std::span<const uint8_t> prefix, std::span<const uint8_t> body) {
  const std::span<uint8_t> packet = out.append(kRtpHeaderSize + prefix.size() + body.size());
  write_rtp_header(RtpHeader{marker, config_.payload_type, next_sequence_++, timestamp, config_.ssrc},
                   packet);
  std::copy(prefix.begin(), prefix.end(), packet.begin() + kRtpHeaderSize);
  std::copy(body.begin(), body.end(),
            packet.begin() + static_cast<std::ptrdiff_t>(kRtpHeaderSize + prefix.size()));
}

void H264Packetizer::write_nal(RtpBatch& out, uint32_t timestamp, bool last, std::span<const uint8_t> nal) {
  if (nal.size() <= config_.max_payload_size) {  // RFC 6184 5.6: single NAL unit packet
    write_packet(out, timestamp, last, {}, nal);
    return;
  }
  // RFC 6184 5.8: the FU indicator keeps F and NRI, the FU header the type; the unit's own header
  // byte is not sent, the receiver rebuilds it from the two.
  const uint8_t indicator =
      static_cast<uint8_t>((nal[0] & (h264::kForbiddenBit | h264::kNriMask)) | h264::kFuA);
  const uint8_t type = h264::nal_type(nal[0]);
  const size_t chunk = config_.max_payload_size - h264::kFuAOverhead;
  std::span<const uint8_t> rest = nal.subspan(1);
  for (bool first = true; !rest.empty(); first = false) {
    const size_t size = std::min(chunk, rest.size());
    const bool end = size == rest.size();
    const std::array<uint8_t, 2> headers = {
        indicator, static_cast<uint8_t>((first ? h264::kFuStart : 0) | (end ? h264::kFuEnd : 0) | type)};
    write_packet(out, timestamp, last && end, headers, rest.first(size));
    rest = rest.subspan(size);
  }
}

void H264Packetizer::write_parameter_sets(RtpBatch& out, uint32_t timestamp) {
  if (!stap_a_.empty()) {
    write_packet(out, timestamp, false, {}, stap_a_);
    return;
  }
  for (const auto& nal : parameter_sets_) write_nal(out, timestamp, false, nal);
}

Result<size_t> H264Packetizer::packetize(std::span<const uint8_t> access_unit, int64_t pts_ms, bool keyframe,
                                         RtpBatch& out) {
  if (auto split_ok = split(access_unit); !split_ok) return tl::unexpected(std::move(split_ok).error());
  if (units_.empty()) return size_t{0};

  const bool idr = std::any_of(units_.begin(), units_.end(),
                               [](auto nal) { return h264::nal_type(nal[0]) == h264::kIdr; });
  const bool with_parameter_sets = (keyframe || idr) && !parameter_sets_.empty();

  // One reservation for the whole access unit: no allocation per packet.
  size_t packets = 0;
  size_t bytes = 0;
  const auto count = [&](size_t nal_size) {
    const size_t n = packets_for(nal_size);
    packets += n;
    bytes += n * (kRtpHeaderSize + h264::kFuAOverhead) + nal_size;
  };
  if (with_parameter_sets) {
    if (!stap_a_.empty()) {
      count(stap_a_.size());
    } else {
      for (const auto& nal : parameter_sets_) count(nal.size());
    }
  }
  for (auto nal : units_) count(nal.size());
  out.reserve_more(bytes, packets);

  const size_t before = out.size();
  const uint32_t timestamp = rtp_timestamp(pts_ms);
  if (with_parameter_sets) write_parameter_sets(out, timestamp);
  for (size_t i = 0; i < units_.size(); ++i) write_nal(out, timestamp, i + 1 == units_.size(), units_[i]);
  return out.size() - before;
}

}  // namespace liverelay::rtp
