// HMAC-SHA256 digests of the Flash Player 9+ RTMP handshake, on libcrypto's EVP_MAC.
#include "protocol/rtmp/handshake_digest.hpp"

#include <algorithm>
#include <cassert>
#include <memory>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

namespace liverelay::rtmp::handshake_digest {
namespace {

// The 32 bytes that follow the ASCII part of both keys.
constexpr std::array<uint8_t, 32> kKeyTail = {
    0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0,
    0xD1, 0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80,
    0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
};

// The text without its terminating NUL, then kKeyTail.
template <size_t N>
consteval std::array<uint8_t, N - 1 + kKeyTail.size()> make_key(const char (&text)[N]) {
  std::array<uint8_t, N - 1 + kKeyTail.size()> key{};
  for (size_t i = 0; i + 1 < N; ++i) key[i] = static_cast<uint8_t>(text[i]);
  for (size_t i = 0; i < kKeyTail.size(); ++i) key[N - 1 + i] = kKeyTail[i];
  return key;
}

constexpr auto kPlayerKey = make_key("Genuine Adobe Flash Player 001");
constexpr auto kMediaServerKey = make_key("Genuine Adobe Flash Media Server 001");
static_assert(kPlayerKey.size() == 62 && kMediaServerKey.size() == 68);

constexpr size_t kPlayerPartialSize = 30;
constexpr size_t kMediaServerPartialSize = 36;
// Each scheme's digest lies in a 764-byte half; 728 = 764 - 4 offset bytes - 32 digest bytes.
constexpr size_t kOffsetModulus = 728;
constexpr size_t kScheme0Base = 8;
constexpr size_t kScheme1Base = 772;
constexpr size_t kReplySignedSize = kHandshakeSize - kDigestSize;

using MacPtr = std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)>;

// HMAC of the block with the digest slot at `offset` left out.
Result<Digest> block_digest(Block block, size_t offset, std::span<const uint8_t> key) {
  return hmac_sha256(key, block.first(offset), block.subspan(offset + kDigestSize));
}

bool same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  // Constant time, as one should compare MACs, although these keys are public.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<Digest> reply_digest(Block reply, const Digest& peer_digest, Signer signer) {
  auto key = hmac_sha256(full_key(signer), peer_digest);
  if (!key) return key;
  return hmac_sha256(*key, reply.first(kReplySignedSize));
}

}  // namespace

std::span<const uint8_t> partial_key(Signer signer) {
  if (signer == Signer::player) return std::span(kPlayerKey).first(kPlayerPartialSize);
  return std::span(kMediaServerKey).first(kMediaServerPartialSize);
}

std::span<const uint8_t> full_key(Signer signer) {
  if (signer == Signer::player) return kPlayerKey;
  return kMediaServerKey;
}

Result<Digest> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> first,
                           std::span<const uint8_t> second) {
  MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr), &EVP_MAC_free);
  if (!mac) return fail(Errc::unsupported, "libcrypto has no HMAC");
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()), &EVP_MAC_CTX_free);
  if (!ctx) return fail(Errc::unsupported, "libcrypto: HMAC context allocation failed");

  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  Digest out{};
  size_t out_size = 0;
  bool ok = EVP_MAC_init(ctx.get(), key.data(), key.size(), params) == 1 &&
            EVP_MAC_update(ctx.get(), first.data(), first.size()) == 1 &&
            (second.empty() || EVP_MAC_update(ctx.get(), second.data(), second.size()) == 1) &&
            EVP_MAC_final(ctx.get(), out.data(), &out_size, out.size()) == 1 &&
            out_size == out.size();
  if (!ok) return fail(Errc::unsupported, "libcrypto: HMAC-SHA256 failed");
  return out;
}

size_t digest_offset(Block block, HandshakeKind scheme) {
  assert(scheme != HandshakeKind::plain);
  size_t base = scheme == HandshakeKind::digest_scheme1 ? kScheme1Base : kScheme0Base;
  size_t sum = size_t{block[base]} + block[base + 1] + block[base + 2] + block[base + 3];
  return sum % kOffsetModulus + base + 4;
}

Digest digest_at(Block block, HandshakeKind scheme) {
  Digest out{};
  auto slot = block.subspan(digest_offset(block, scheme), kDigestSize);
  std::copy(slot.begin(), slot.end(), out.begin());
  return out;
}

Result<void> sign_block(MutableBlock block, HandshakeKind scheme, Signer signer) {
  size_t offset = digest_offset(block, scheme);
  auto digest = block_digest(block, offset, partial_key(signer));
  if (!digest) return tl::unexpected(std::move(digest.error()));
  std::copy(digest->begin(), digest->end(), block.begin() + static_cast<ptrdiff_t>(offset));
  return {};
}

Result<HandshakeKind> find_scheme(Block block, Signer signer) {
  for (auto scheme : {HandshakeKind::digest_scheme0, HandshakeKind::digest_scheme1}) {
    size_t offset = digest_offset(block, scheme);
    auto digest = block_digest(block, offset, partial_key(signer));
    if (!digest) return tl::unexpected(std::move(digest.error()));
    if (same(*digest, block.subspan(offset, kDigestSize))) return scheme;
  }
  return HandshakeKind::plain;
}

Result<void> sign_reply(MutableBlock reply, const Digest& peer_digest, Signer signer) {
  auto digest = reply_digest(reply, peer_digest, signer);
  if (!digest) return tl::unexpected(std::move(digest.error()));
  std::copy(digest->begin(), digest->end(), reply.begin() + kReplySignedSize);
  return {};
}

Result<bool> reply_is_valid(Block reply, const Digest& peer_digest, Signer signer) {
  auto digest = reply_digest(reply, peer_digest, signer);
  if (!digest) return tl::unexpected(std::move(digest.error()));
  return same(*digest, reply.subspan(kReplySignedSize));
}

}  // namespace liverelay::rtmp::handshake_digest
