// The RTMP handshake state machines, server and client: plain (RTMP spec 5.2) and the Flash
// Player 9+ digest handshake (handshake_digest.hpp).
#include "protocol/rtmp/handshake.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <utility>

#include "protocol/rtmp/handshake_digest.hpp"

namespace liverelay::rtmp {
namespace {

namespace hd = handshake_digest;

constexpr uint8_t kRtmpVersion = 3;  // RTMP spec 5.2.2
constexpr size_t kC0C1Size = 1 + kHandshakeSize;
constexpr size_t kS0S1S2Size = 1 + 2 * kHandshakeSize;

using Version = std::array<uint8_t, 4>;
// Bytes 4..7 of C1/S1. Spec 5.2.3 says zero, and a zero S1 is how librtmp and ffmpeg tell that
// the server answered plain; a nonzero one makes them check our digest.
constexpr Version kPlainVersion = {0, 0, 0, 0};
constexpr Version kServerVersion = {0x04, 0x05, 0x00, 0x01};
// What a Flash Player 9+ C1 announces; servers (nginx-rtmp) look for a digest only when it is
// not zero.
constexpr Version kPlayerVersion = {0x80, 0x00, 0x07, 0x02};

// Copies from `in` until `buffer` holds `wanted` bytes; returns how many it took.
size_t fill(std::vector<uint8_t>& buffer, size_t wanted, std::span<const uint8_t> in) {
  size_t n = std::min(wanted - buffer.size(), in.size());
  buffer.insert(buffer.end(), in.begin(), in.begin() + static_cast<ptrdiff_t>(n));
  return n;
}

// RTMP spec 5.2.2: 3 is the version; 0-2 are deprecated, 4-31 reserved, above 31 not allowed
// (so RTMP can be told from text protocols). 6 and 8 are RTMPE, which we do not speak.
Result<void> check_version(uint8_t version, const char* field) {
  if (version == kRtmpVersion) return {};
  std::string what = std::string(field) + " version " + std::to_string(version);
  if (version == 6 || version == 8) {
    return fail(Errc::unsupported, what + ": encrypted RTMP (RTMPE) is not supported");
  }
  if (version > 31) {
    return fail(Errc::malformed, what + ": not RTMP (spec 5.2.2 allows no value above 31)");
  }
  return fail(Errc::unsupported, what + ": only version 3 is supported");
}

void fill_random(std::span<uint8_t> out, std::mt19937_64& rng) {
  uint64_t bits = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i % 8 == 0) bits = rng();
    out[i] = static_cast<uint8_t>(bits >> (8 * (i % 8)));
  }
}

// C1 or S1 (spec 5.2.3): time, version, random bytes, then the digest unless `scheme` is plain.
Result<void> write_first_block(hd::MutableBlock block, uint32_t time, const Version& version,
                               HandshakeKind scheme, hd::Signer signer, std::mt19937_64& rng) {
  for (size_t i = 0; i < 4; ++i) block[i] = static_cast<uint8_t>(time >> (24 - 8 * i));
  std::copy(version.begin(), version.end(), block.begin() + 4);
  fill_random(block.subspan(8), rng);
  if (scheme == HandshakeKind::plain) return {};
  return hd::sign_block(block, scheme, signer);
}

// S2 or C2 of the digest handshake: random bytes signed with a key derived from the peer's
// C1/S1 digest, so the peer knows we read its block.
Result<void> write_digest_reply(hd::MutableBlock reply, const hd::Digest& peer_digest,
                                hd::Signer signer, std::mt19937_64& rng) {
  fill_random(reply, rng);
  return hd::sign_reply(reply, peer_digest, signer);
}

// The 1536 bytes at `offset`; callers have checked the size.
hd::MutableBlock block_at(std::vector<uint8_t>& bytes, size_t offset) {
  return hd::MutableBlock(bytes.data() + offset, kHandshakeSize);
}

}  // namespace

// ---- server ----

ServerHandshake::ServerHandshake(uint64_t seed, uint32_t epoch_ms)
    : seed_(seed), epoch_ms_(epoch_ms) {}

Result<size_t> ServerHandshake::feed(std::span<const uint8_t> in) {
  if (error_) return tl::unexpected(*error_);
  size_t used = 0;
  while (stage_ == Stage::wants_c0c1 || stage_ == Stage::wants_c2) {
    auto n = step(in.subspan(used));
    if (!n) {
      stage_ = Stage::failed;
      error_ = n.error();
      return tl::unexpected(std::move(n.error()));
    }
    if (*n == 0) break;
    used += *n;
  }
  return used;
}

// Takes what the current stage still needs from `in` and acts once the stage is complete.
Result<size_t> ServerHandshake::step(std::span<const uint8_t> in) {
  size_t wanted = stage_ == Stage::wants_c0c1 ? kC0C1Size : kHandshakeSize;
  size_t n = fill(buffer_, wanted, in);
  if (stage_ == Stage::wants_c0c1 && !buffer_.empty()) {
    // Checked on C0 alone, so an HTTP request or a TLS hello fails without waiting for C1.
    if (auto ok = check_version(buffer_[0], "C0"); !ok) return tl::unexpected(ok.error());
  }
  if (buffer_.size() < wanted) return n;

  if (stage_ == Stage::wants_c0c1) {
    if (auto ok = answer_c1(); !ok) return tl::unexpected(ok.error());
    buffer_.clear();
    stage_ = Stage::wants_c2;
  } else {
    // C2 is not checked: spec 5.2.4 wants an echo of S1, the digest handshake a signed reply,
    // and ffmpeg publishing answers a digest S1 with an echo anyway. nginx-rtmp does not check
    // it either; all it tells us is that the client read S1.
    buffer_ = {};
    stage_ = Stage::done;
  }
  return n;
}

// S0 S1 S2 in the scheme C1 used; a C1 without a valid digest gets the plain answer.
Result<void> ServerHandshake::answer_c1() {
  hd::Block c1 = block_at(buffer_, 1);
  auto kind = hd::find_scheme(c1, hd::Signer::player);
  if (!kind) return tl::unexpected(kind.error().context("C1 digest"));
  kind_ = *kind;

  std::mt19937_64 rng(seed_);
  std::vector<uint8_t> reply(kS0S1S2Size);
  reply[0] = kRtmpVersion;
  bool plain = kind_ == HandshakeKind::plain;
  auto s1 = write_first_block(block_at(reply, 1), epoch_ms_,
                              plain ? kPlainVersion : kServerVersion, kind_,
                              hd::Signer::media_server, rng);
  if (!s1) return tl::unexpected(s1.error().context("S1"));

  hd::MutableBlock s2 = block_at(reply, 1 + kHandshakeSize);
  if (plain) {
    std::copy(c1.begin(), c1.end(), s2.begin());  // spec 5.2.4: S2 echoes C1
  } else {
    auto signed_s2 =
        write_digest_reply(s2, hd::digest_at(c1, kind_), hd::Signer::media_server, rng);
    if (!signed_s2) return tl::unexpected(signed_s2.error().context("S2"));
  }
  output_.insert(output_.end(), reply.begin(), reply.end());
  return {};
}

std::vector<uint8_t> ServerHandshake::take_output() { return std::exchange(output_, {}); }

bool ServerHandshake::done() const { return stage_ == Stage::done; }

HandshakeKind ServerHandshake::kind() const { return kind_; }

// ---- client ----

ClientHandshake::ClientHandshake(uint64_t seed, bool digest) : seed_(seed), digest_(digest) {
  // Only a libcrypto failure can stop C1; it is kept and returned by the first feed().
  if (auto ok = send_c0c1(); !ok) {
    stage_ = Stage::failed;
    error_ = ok.error();
  }
}

Result<void> ClientHandshake::send_c0c1() {
  std::mt19937_64 rng(seed_);
  c1_.assign(kHandshakeSize, 0);
  // Scheme 0, as librtmp and ffmpeg sign theirs.
  c1_kind_ = digest_ ? HandshakeKind::digest_scheme0 : HandshakeKind::plain;
  auto c1 = write_first_block(block_at(c1_, 0), 0, digest_ ? kPlayerVersion : kPlainVersion,
                              c1_kind_, hd::Signer::player, rng);
  if (!c1) return tl::unexpected(c1.error().context("C1"));
  output_.push_back(kRtmpVersion);
  output_.insert(output_.end(), c1_.begin(), c1_.end());
  return {};
}

Result<size_t> ClientHandshake::feed(std::span<const uint8_t> in) {
  if (error_) return tl::unexpected(*error_);
  if (stage_ != Stage::wants_s0s1s2) return 0;
  size_t n = fill(buffer_, kS0S1S2Size, in);
  Result<void> ok;
  if (!buffer_.empty()) ok = check_version(buffer_[0], "S0");
  if (ok && buffer_.size() == kS0S1S2Size) ok = answer_s1s2();
  if (!ok) {
    stage_ = Stage::failed;
    error_ = ok.error();
    return tl::unexpected(std::move(ok.error()));
  }
  return n;
}

// C2: a signed reply when both sides used the digest, else an echo of S1 (spec 5.2.4).
Result<void> ClientHandshake::answer_s1s2() {
  hd::Block s1 = block_at(buffer_, 1);
  hd::Block s2 = block_at(buffer_, 1 + kHandshakeSize);
  auto scheme = digest_ ? hd::find_scheme(s1, hd::Signer::media_server)
                        : Result<HandshakeKind>(HandshakeKind::plain);
  if (!scheme) return tl::unexpected(scheme.error().context("S1 digest"));
  server_digest_ = *scheme != HandshakeKind::plain;

  std::vector<uint8_t> c2(kHandshakeSize);
  if (server_digest_) {
    // Like librtmp: a server that signs S1 must also have answered our C1 digest in S2.
    auto valid = hd::reply_is_valid(s2, hd::digest_at(block_at(c1_, 0), c1_kind_),
                                    hd::Signer::media_server);
    if (!valid) return tl::unexpected(valid.error().context("S2 digest"));
    if (!*valid) return fail(Errc::malformed, "S1 is signed but S2 does not answer our C1 digest");
    std::mt19937_64 rng(seed_ + 1);  // a stream apart from C1's
    auto signed_c2 = write_digest_reply(block_at(c2, 0), hd::digest_at(s1, *scheme),
                                        hd::Signer::player, rng);
    if (!signed_c2) return tl::unexpected(signed_c2.error().context("C2"));
  } else {
    std::copy(s1.begin(), s1.end(), c2.begin());
  }
  output_.insert(output_.end(), c2.begin(), c2.end());
  buffer_ = {};
  c1_ = {};
  stage_ = Stage::done;
  return {};
}

std::vector<uint8_t> ClientHandshake::take_output() { return std::exchange(output_, {}); }

bool ClientHandshake::done() const { return stage_ == Stage::done; }

bool ClientHandshake::server_used_digest() const { return server_digest_; }

}  // namespace liverelay::rtmp
