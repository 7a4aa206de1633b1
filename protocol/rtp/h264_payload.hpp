// H.264 RTP payload format (RFC 6184) constants shared by the packetizer and the depacketizer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace liverelay::rtp::h264 {

// RFC 6184 5.3: the NAL unit header is F (1 bit), NRI (2 bits), type (5 bits).
inline constexpr uint8_t kForbiddenBit = 0x80;
inline constexpr uint8_t kNriMask = 0x60;
inline constexpr uint8_t kTypeMask = 0x1f;

// H.264 Table 7-1, the types the packetizer treats specially.
inline constexpr uint8_t kIdr = 5;
inline constexpr uint8_t kSps = 7;
inline constexpr uint8_t kPps = 8;
inline constexpr uint8_t kAccessUnitDelimiter = 9;
inline constexpr uint8_t kFiller = 12;

// RFC 6184 5.2 Table 1: types 24..29 are RTP payload structures, 1..23 single NAL units.
inline constexpr uint8_t kStapA = 24;
inline constexpr uint8_t kStapB = 25;
inline constexpr uint8_t kMtap16 = 26;
inline constexpr uint8_t kMtap24 = 27;
inline constexpr uint8_t kFuA = 28;
inline constexpr uint8_t kFuB = 29;
inline constexpr uint8_t kLastSingleNalType = 23;

// RFC 6184 5.8: the FU header is S, E, R, then the fragmented unit's type.
inline constexpr uint8_t kFuStart = 0x80;
inline constexpr uint8_t kFuEnd = 0x40;
inline constexpr uint8_t kFuReserved = 0x20;

inline constexpr size_t kFuAOverhead = 2;     // FU indicator + FU header
inline constexpr size_t kStapAHeader = 1;     // the STAP-A NAL header
inline constexpr size_t kStapASizeField = 2;  // RFC 6184 5.7.1: 16-bit NALU size before each unit

// RFC 6184 8.2.1: H.264 timestamps run at 90 kHz.
inline constexpr uint32_t kClockRate = 90000;

[[nodiscard]] constexpr uint8_t nal_type(uint8_t header) {
  return header & kTypeMask;
}

}  // namespace liverelay::rtp::h264
