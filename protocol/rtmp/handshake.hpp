// The RTMP handshake (RTMP spec 5.2), plain and digest ("complex", Flash Player 9+), both sides.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/core/error.hpp"

namespace liverelay::rtmp {

inline constexpr size_t kHandshakeSize = 1536;

// Which handshake the client chose, seen from its C1 (see handshake_digest.hpp for the layout).
// Beware: SRS numbers the two schemes the other way round ("schema0" = key first, digest in
// the second half); ours follow librtmp's GetDigestOffset1/2.
enum class HandshakeKind {
  plain,           // C1 carries no valid digest: S1 is plain and S2 echoes C1
  digest_scheme0,  // C1 digest in the first half, offset from bytes 8..11 (librtmp, ffmpeg)
  digest_scheme1,  // C1 digest in the second half, offset from bytes 772..775
};

// Server side: reads C0 C1, answers S0 S1 S2, reads C2. A C1 whose digest validates (either
// scheme) gets S1 with a digest and S2 keyed by the client's digest, as Flash players require.
class ServerHandshake {
 public:
  // `seed` feeds the random filler of S1 and of a digest S2 (tests pass a fixed one; the keys
  // are public, so the filler need not be unpredictable); `epoch_ms` is S1's time field.
  explicit ServerHandshake(uint64_t seed, uint32_t epoch_ms = 0);

  // Consumes what it can of `in` and returns how many bytes it used. Bytes past C2 are not
  // consumed: they belong to the chunk stream. Fails on a C0 version other than 3 (6 and 8,
  // encrypted RTMPE, are `unsupported`), as soon as C0 arrives. After an error every call
  // returns the same error.
  Result<size_t> feed(std::span<const uint8_t> in);

  // Bytes to send (S0 S1 S2 once C1 has arrived); empties the buffer.
  std::vector<uint8_t> take_output();

  [[nodiscard]] bool done() const;
  // What C1 asked for; meaningful once S0 S1 S2 are in the output.
  [[nodiscard]] HandshakeKind kind() const;

 private:
  enum class Stage { wants_c0c1, wants_c2, done, failed };

  Result<size_t> step(std::span<const uint8_t> in);
  Result<void> answer_c1();

  std::vector<uint8_t> buffer_;  // C0 C1, then C2: never more than 1537 bytes
  std::vector<uint8_t> output_;
  uint64_t seed_;
  uint32_t epoch_ms_;
  Stage stage_ = Stage::wants_c0c1;
  HandshakeKind kind_ = HandshakeKind::plain;
  std::optional<Error> error_;
};

// Client side (push relays and tests): sends C0 C1 (with a digest when `digest` is true), reads
// S0 S1 S2, validates S1's digest when the server sent one, answers C2.
class ClientHandshake {
 public:
  ClientHandshake(uint64_t seed, bool digest);

  // Consumes at most S0 S1 S2 (3073 bytes); what follows belongs to the chunk stream. Fails on
  // an S0 version other than 3, or when S1 carries a valid digest but S2 does not answer our
  // C1's. After an error every call returns the same error.
  Result<size_t> feed(std::span<const uint8_t> in);
  std::vector<uint8_t> take_output();  // C0 C1 at first, then C2
  [[nodiscard]] bool done() const;
  // True when we sent a digest C1 and S1 came back with a valid digest (and S2 matched).
  [[nodiscard]] bool server_used_digest() const;

 private:
  enum class Stage { wants_s0s1s2, done, failed };

  Result<void> send_c0c1();
  Result<void> answer_s1s2();

  std::vector<uint8_t> buffer_;  // S0 S1 S2: never more than 3073 bytes
  std::vector<uint8_t> output_;
  std::vector<uint8_t> c1_;  // kept until S2 has been checked against its digest
  uint64_t seed_;
  bool digest_;
  bool server_digest_ = false;
  Stage stage_ = Stage::wants_s0s1s2;
  HandshakeKind c1_kind_ = HandshakeKind::plain;
  std::optional<Error> error_;
};

}  // namespace liverelay::rtmp
