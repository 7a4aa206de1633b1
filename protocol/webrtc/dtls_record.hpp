// DTLS 1.2 record headers (RFC 6347 4.1), read only as far as screening datagrams needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace liverelay::webrtc {

// True when a record of the datagram is protected (epoch above 0) but shorter than the
// cipher's least overhead (`min_protected_length`: 24 for AES-GCM's explicit nonce and tag,
// 16 for ChaCha20-Poly1305's tag): no key could have made it, so it is garbage to drop
// (RFC 6347 4.1.2.7). Records are walked while whole headers remain; a truncated one ends the
// walk (OpenSSL drops it on its own).
bool has_short_protected_record(std::span<const uint8_t> datagram, size_t min_protected_length);

}  // namespace liverelay::webrtc
