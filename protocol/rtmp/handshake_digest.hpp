// HMAC-SHA256 digests of the Flash Player 9+ ("complex") RTMP handshake: where C1/S1 carry
// them and how S2/C2 are keyed from the peer's digest.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/core/error.hpp"
#include "protocol/rtmp/handshake.hpp"

// The digest scheme is not in the RTMP spec (Adobe published only the plain handshake, 5.2);
// it is what Flash Player 9+, FMS, librtmp, ffmpeg, nginx-rtmp and SRS agree on:
//   C1/S1 = time(4) version(4) 1528 bytes, one 32-byte digest inside a 764-byte half:
//     scheme 0: offset = (sum of bytes 8..11) % 728 + 12   (digest in the first half)
//     scheme 1: offset = (sum of bytes 772..775) % 728 + 776 (digest in the second half)
//   digest = HMAC-SHA256(partial key of the writer, the block without the 32 digest bytes)
//   S2/C2 = 1504 bytes, then HMAC-SHA256(HMAC-SHA256(full key of the writer, peer's digest),
//                                        those 1504 bytes)
namespace liverelay::rtmp::handshake_digest {

inline constexpr size_t kDigestSize = 32;
using Digest = std::array<uint8_t, kDigestSize>;
using Block = std::span<const uint8_t, kHandshakeSize>;
using MutableBlock = std::span<uint8_t, kHandshakeSize>;

// Whose key signs a block: C1 and C2 are the player's, S1 and S2 the media server's.
enum class Signer { player, media_server };

// "Genuine Adobe Flash Player 001" (30 bytes) or "Genuine Adobe Flash Media Server 001" (36):
// the key for the digest inside C1 / S1.
std::span<const uint8_t> partial_key(Signer signer);
// The partial key followed by 32 fixed bytes: the root of the key for S2 / C2.
std::span<const uint8_t> full_key(Signer signer);

// HMAC-SHA256 over `first` then `second` (two parts, so a digest slot can be left out).
Result<Digest> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> first,
                           std::span<const uint8_t> second = {});

// Where `scheme` (digest_scheme0 or digest_scheme1, not plain) puts the digest in `block`.
size_t digest_offset(Block block, HandshakeKind scheme);
// The 32 bytes at `scheme`'s offset, whether or not they validate.
Digest digest_at(Block block, HandshakeKind scheme);

// Writes the digest of C1/S1 at `scheme`'s offset; the rest of `block` must be filled already,
// since the offset and the digest both depend on it.
Result<void> sign_block(MutableBlock block, HandshakeKind scheme, Signer signer);
// The scheme whose digest validates with `signer`'s partial key (scheme 0 is tried first, as
// librtmp and ffmpeg use it), or plain when neither does.
Result<HandshakeKind> find_scheme(Block block, Signer signer);

// Writes the last 32 bytes of S2/C2 from its first 1504 and the peer's C1/S1 digest.
Result<void> sign_reply(MutableBlock reply, const Digest& peer_digest, Signer signer);
// Whether the last 32 bytes of S2/C2 are what sign_reply would have written.
Result<bool> reply_is_valid(Block reply, const Digest& peer_digest, Signer signer);

}  // namespace liverelay::rtmp::handshake_digest
