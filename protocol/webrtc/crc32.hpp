// CRC-32 (ISO-HDLC, the one zlib and Ethernet use), for the STUN FINGERPRINT (RFC 8489 14.7).
#pragma once

#include <cstdint>
#include <span>

namespace liverelay::webrtc {

// Of "123456789" it is 0xCBF43926 (the catalogue's check value).
uint32_t crc32(std::span<const uint8_t> data);

}  // namespace liverelay::webrtc
