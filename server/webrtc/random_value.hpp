// Random numbers for identifiers that must not be guessable or collide (session ids, SSRCs, RTP
// origins: RFC 3550 5.1), from OpenSSL's generator.
#pragma once

#include <array>
#include <cstdint>

#include <openssl/rand.h>

namespace liverelay::webrtc {

inline uint64_t random_u64() {
  std::array<uint8_t, 8> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  uint64_t value = 0;
  for (uint8_t byte : bytes) value = (value << 8) | byte;
  return value;
}

}  // namespace liverelay::webrtc
