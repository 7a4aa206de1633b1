// Tests of the RTMP handshake, plain and digest, against our own client and real captures.
#include "protocol/rtmp/handshake.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "protocol/rtmp/handshake_digest.hpp"

using namespace liverelay;
using namespace liverelay::rtmp;
namespace hd = liverelay::rtmp::handshake_digest;

namespace {

using Bytes = std::vector<uint8_t>;
constexpr size_t kC0C1Size = 1 + kHandshakeSize;
constexpr size_t kS0S1S2Size = 1 + 2 * kHandshakeSize;

Bytes bytes_at(const Bytes& bytes, size_t offset, size_t size) {
  REQUIRE(bytes.size() >= offset + size);
  return Bytes(bytes.begin() + static_cast<ptrdiff_t>(offset),
               bytes.begin() + static_cast<ptrdiff_t>(offset + size));
}

hd::Block block(const Bytes& bytes, size_t offset) {
  REQUIRE(bytes.size() >= offset + kHandshakeSize);
  return hd::Block(bytes.data() + offset, kHandshakeSize);
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A fixture from tests/data (see its README).
Bytes read_fixture(const std::string& name) {
  auto path = std::filesystem::path(LIVERELAY_TEST_DATA_DIR) / name;
  std::ifstream in(path, std::ios::binary);
  INFO(path.string());
  REQUIRE(in);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A captured handshake: C0 C1 | S0 S1 S2 | C2 (tests/data/README.md).
struct Capture {
  Bytes c0c1, s0s1s2, c2;
};

Capture read_capture(const std::string& name) {
  Bytes all = read_fixture(name);
  REQUIRE(all.size() == kC0C1Size + kS0S1S2Size + kHandshakeSize);
  return {bytes_at(all, 0, kC0C1Size), bytes_at(all, kC0C1Size, kS0S1S2Size),
          bytes_at(all, kC0C1Size + kS0S1S2Size, kHandshakeSize)};
}

// A Flash Player-like C0 C1 signed at `scheme`, built with our digest helpers.
Bytes make_digest_c0c1(HandshakeKind scheme) {
  Bytes bytes(kC0C1Size);
  bytes[0] = 3;
  for (size_t i = 9; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 131 + i / 7);
  bytes[5] = 0x80;
  bytes[7] = 0x07;
  bytes[8] = 0x02;
  REQUIRE(hd::sign_block(hd::MutableBlock(bytes.data() + 1, kHandshakeSize), scheme,
                         hd::Signer::player));
  return bytes;
}

// Feeds `in` whole or one byte at a time; collects the bytes used and everything sent back.
struct Fed {
  size_t used = 0;
  Bytes output;
};

template <class Handshake>
Fed feed(Handshake& handshake, const Bytes& in, bool byte_by_byte) {
  Fed fed;
  size_t step = byte_by_byte ? 1 : std::max<size_t>(in.size(), 1);
  for (size_t pos = 0; pos < in.size(); pos += step) {
    auto used = handshake.feed(std::span(in).subspan(pos, std::min(step, in.size() - pos)));
    REQUIRE(used);
    fed.used += *used;
    fed.output = concat(std::move(fed.output), handshake.take_output());
  }
  return fed;
}

}  // namespace

TEST_CASE("HMAC-SHA256 over two parts matches RFC 4231 test case 2") {
  const std::string key = "Jefe", a = "what do ya ", b = "want for nothing?";
  auto digest = hd::hmac_sha256(std::span(reinterpret_cast<const uint8_t*>(key.data()), key.size()),
                                std::span(reinterpret_cast<const uint8_t*>(a.data()), a.size()),
                                std::span(reinterpret_cast<const uint8_t*>(b.data()), b.size()));
  REQUIRE(digest);
  const hd::Digest expected = {0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
                               0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
                               0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
  CHECK(*digest == expected);
}

TEST_CASE("digest offsets come from the byte sums and stay inside their half") {
  Bytes c1(kHandshakeSize, 0);
  std::copy_n(Bytes{1, 2, 3, 4}.begin(), 4, c1.begin() + 8);
  CHECK(hd::digest_offset(block(c1, 0), HandshakeKind::digest_scheme0) == 10 + 12);
  std::fill(c1.begin() + 772, c1.begin() + 776, 0xff);  // 1020 % 728 = 292
  CHECK(hd::digest_offset(block(c1, 0), HandshakeKind::digest_scheme1) == 292 + 776);
  // Sum 727, the largest offset: the digest still ends before the second half (772).
  std::copy_n(Bytes{255, 255, 217, 0}.begin(), 4, c1.begin() + 8);
  CHECK(hd::digest_offset(block(c1, 0), HandshakeKind::digest_scheme0) == 739);
}

TEST_CASE("partial and full keys are the Genuine Adobe strings and their 62/68-byte forms") {
  auto player = hd::partial_key(hd::Signer::player);
  auto server = hd::partial_key(hd::Signer::media_server);
  CHECK(std::string(player.begin(), player.end()) == "Genuine Adobe Flash Player 001");
  CHECK(std::string(server.begin(), server.end()) == "Genuine Adobe Flash Media Server 001");
  CHECK(hd::full_key(hd::Signer::player).size() == 62);
  CHECK(hd::full_key(hd::Signer::media_server).size() == 68);
  CHECK(hd::full_key(hd::Signer::media_server)[36] == 0xF0);
  CHECK(hd::full_key(hd::Signer::media_server)[67] == 0xAE);
}

TEST_CASE("server answers a plain C1 with a plain S1 and S2 echoing C1") {
  ClientHandshake client(7, false);
  Bytes c0c1 = client.take_output();
  ServerHandshake server(1, 0x01020304);
  Fed fed = feed(server, c0c1, false);

  CHECK(fed.used == kC0C1Size);
  CHECK(server.kind() == HandshakeKind::plain);
  CHECK_FALSE(server.done());  // C2 still to come
  REQUIRE(fed.output.size() == kS0S1S2Size);
  CHECK(fed.output[0] == 3);
  CHECK(bytes_at(fed.output, 1, 4) == Bytes{1, 2, 3, 4});  // S1 time = epoch_ms
  CHECK(bytes_at(fed.output, 5, 4) == Bytes{0, 0, 0, 0});  // plain S1: zero version
  CHECK(bytes_at(fed.output, 1 + kHandshakeSize, kHandshakeSize) == bytes_at(c0c1, 1, kHandshakeSize));
}

TEST_CASE("server finishes on C2 and leaves the bytes after it unconsumed") {
  auto byte_by_byte = GENERATE(false, true);
  ClientHandshake client(7, false);
  Bytes c0c1 = client.take_output();
  ServerHandshake server(1);
  Bytes c2(kHandshakeSize, 0x5a);
  Bytes chunk_stream = {0x03, 0x00, 0x00, 0x00, 0x00};
  Fed fed = feed(server, concat(concat(c0c1, c2), chunk_stream), byte_by_byte);

  CHECK(fed.used == kC0C1Size + kHandshakeSize);
  CHECK(server.done());
  CHECK(fed.output.size() == kS0S1S2Size);
  auto more = server.feed(chunk_stream);
  REQUIRE(more);
  CHECK(*more == 0);
}

TEST_CASE("plain handshake completes between our client and server, C2 echoing S1") {
  ClientHandshake client(7, false);
  ServerHandshake server(1);
  Bytes c0c1 = client.take_output();
  Bytes s0s1s2 = feed(server, c0c1, false).output;
  Fed client_fed = feed(client, s0s1s2, false);
  CHECK(client_fed.used == kS0S1S2Size);
  CHECK(client.done());
  CHECK_FALSE(client.server_used_digest());
  CHECK(client_fed.output == bytes_at(s0s1s2, 1, kHandshakeSize));
  CHECK(feed(server, client_fed.output, false).used == kHandshakeSize);
  CHECK(server.done());
}

TEST_CASE("digest handshake completes between our client and server with signed S2 and C2") {
  ClientHandshake client(7, true);
  ServerHandshake server(1);
  Bytes c0c1 = client.take_output();
  Bytes s0s1s2 = feed(server, c0c1, false).output;
  CHECK(server.kind() == HandshakeKind::digest_scheme0);
  Fed client_fed = feed(client, s0s1s2, false);
  REQUIRE(client.done());
  CHECK(client.server_used_digest());

  auto s1_scheme = hd::find_scheme(block(s0s1s2, 1), hd::Signer::media_server);
  REQUIRE(s1_scheme);
  REQUIRE(*s1_scheme == HandshakeKind::digest_scheme0);
  auto c2_valid = hd::reply_is_valid(block(client_fed.output, 0),
                                     hd::digest_at(block(s0s1s2, 1), *s1_scheme),
                                     hd::Signer::player);
  REQUIRE(c2_valid);
  CHECK(*c2_valid);
  CHECK(feed(server, client_fed.output, false).used == kHandshakeSize);
  CHECK(server.done());
}

TEST_CASE("server answers a digest C1 in its scheme: S1 signed with the FMS key, S2 derived") {
  auto scheme = GENERATE(HandshakeKind::digest_scheme0, HandshakeKind::digest_scheme1);
  Bytes c0c1 = make_digest_c0c1(scheme);
  ServerHandshake server(1);
  Bytes out = feed(server, c0c1, false).output;
  REQUIRE(out.size() == kS0S1S2Size);
  CHECK(server.kind() == scheme);
  CHECK(bytes_at(out, 5, 4) != Bytes{0, 0, 0, 0});  // tells librtmp and ffmpeg to check S1

  auto s1_scheme = hd::find_scheme(block(out, 1), hd::Signer::media_server);
  REQUIRE(s1_scheme);
  CHECK(*s1_scheme == scheme);
  hd::Digest c1_digest = hd::digest_at(block(c0c1, 1), scheme);
  auto s2_valid = hd::reply_is_valid(block(out, 1 + kHandshakeSize), c1_digest,
                                     hd::Signer::media_server);
  REQUIRE(s2_valid);
  CHECK(*s2_valid);
  c1_digest[0] ^= 1;  // S2's key really comes from C1's digest
  CHECK_FALSE(*hd::reply_is_valid(block(out, 1 + kHandshakeSize), c1_digest,
                                  hd::Signer::media_server));
}

TEST_CASE("server treats a C1 with a corrupted digest as plain and echoes it in S2") {
  Bytes c0c1 = make_digest_c0c1(HandshakeKind::digest_scheme0);
  c0c1[1 + hd::digest_offset(block(c0c1, 1), HandshakeKind::digest_scheme0)] ^= 0x01;
  ServerHandshake server(1);
  Bytes out = feed(server, c0c1, false).output;
  CHECK(server.kind() == HandshakeKind::plain);
  CHECK(bytes_at(out, 5, 4) == Bytes{0, 0, 0, 0});
  CHECK(bytes_at(out, 1 + kHandshakeSize, kHandshakeSize) == bytes_at(c0c1, 1, kHandshakeSize));
}

TEST_CASE("server sends the same bytes whether the client's arrive at once or byte by byte") {
  Capture capture = read_capture("librtmp_digest_handshake.bin");
  Bytes client_bytes = concat(concat(capture.c0c1, capture.c2), Bytes{0x03, 0x00});
  ServerHandshake whole(9), split(9);
  Fed at_once = feed(whole, client_bytes, false);
  Fed one_by_one = feed(split, client_bytes, true);
  CHECK(at_once.used == kC0C1Size + kHandshakeSize);
  CHECK(one_by_one.used == at_once.used);
  CHECK(one_by_one.output == at_once.output);
  CHECK(whole.done());
  CHECK(split.done());
}

TEST_CASE("server rejects C0 versions other than 3 as soon as C0 arrives") {
  auto [version, code] = GENERATE(std::pair{uint8_t{6}, Errc::unsupported},
                                  std::pair{uint8_t{8}, Errc::unsupported},
                                  std::pair{uint8_t{0}, Errc::unsupported},
                                  std::pair{uint8_t{'G'}, Errc::malformed});  // "GET / HTTP"
  ServerHandshake server(1);
  Bytes c0 = {version};
  auto result = server.feed(c0);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == code);
  CHECK_THAT(result.error().message, Catch::Contains("C0 version " + std::to_string(version)));
  CHECK(server.take_output().empty());
  auto again = server.feed(Bytes(kHandshakeSize, 0));  // the error sticks
  REQUIRE_FALSE(again);
  CHECK(again.error().code == code);
}

TEST_CASE("RTMPE's C0 version 6 is refused as unsupported encryption") {
  ServerHandshake server(1);
  Bytes c0c1 = make_digest_c0c1(HandshakeKind::digest_scheme0);
  c0c1[0] = 6;
  auto result = server.feed(c0c1);
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message, Catch::Contains("RTMPE"));
}

TEST_CASE("client sends a signed scheme 0 C1 in digest mode and a plain one otherwise") {
  ClientHandshake digest(7, true), plain(7, false);
  Bytes signed_c0c1 = digest.take_output(), plain_c0c1 = plain.take_output();
  REQUIRE(signed_c0c1.size() == kC0C1Size);
  REQUIRE(plain_c0c1.size() == kC0C1Size);
  CHECK(signed_c0c1[0] == 3);
  CHECK(bytes_at(signed_c0c1, 5, 4) == Bytes{0x80, 0x00, 0x07, 0x02});
  CHECK(bytes_at(plain_c0c1, 5, 4) == Bytes{0, 0, 0, 0});
  CHECK(*hd::find_scheme(block(signed_c0c1, 1), hd::Signer::player) ==
        HandshakeKind::digest_scheme0);
  CHECK(*hd::find_scheme(block(plain_c0c1, 1), hd::Signer::player) == HandshakeKind::plain);
}

TEST_CASE("client consumes S0 S1 S2 only, the same whether fed at once or byte by byte") {
  ServerHandshake server(1);
  ClientHandshake probe(7, true);
  Bytes s0s1s2 = feed(server, probe.take_output(), false).output;
  Bytes server_bytes = concat(s0s1s2, Bytes{0x02, 0x00, 0x00});

  ClientHandshake whole(7, true), split(7, true);
  whole.take_output();
  split.take_output();
  Fed at_once = feed(whole, server_bytes, false);
  Fed one_by_one = feed(split, server_bytes, true);
  CHECK(at_once.used == kS0S1S2Size);
  CHECK(one_by_one.used == kS0S1S2Size);
  CHECK(at_once.output.size() == kHandshakeSize);
  CHECK(one_by_one.output == at_once.output);
  CHECK(whole.done());
  CHECK(split.done());
}

TEST_CASE("client fails when S1 is signed but S2 does not answer its C1 digest") {
  ClientHandshake client(7, true);
  ServerHandshake server(1);
  Bytes s0s1s2 = feed(server, client.take_output(), false).output;
  s0s1s2.back() ^= 0x01;
  auto result = client.feed(s0s1s2);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::malformed);
  CHECK_FALSE(client.done());
  CHECK(client.take_output().empty());  // no C2 to a server we do not trust
}

TEST_CASE("client rejects an S0 version other than 3") {
  ClientHandshake client(7, false);
  client.take_output();
  auto result = client.feed(Bytes{6});
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::unsupported);
  CHECK_THAT(result.error().message, Catch::Contains("S0 version 6"));
}

TEST_CASE("server recognises the scheme 0 digest C1 of librtmp and ffmpeg captures") {
  auto name = GENERATE(as<std::string>{}, "librtmp_digest_handshake.bin",
                       "ffmpeg_play_handshake.bin", "ffmpeg_publish_handshake.bin");
  Capture capture = read_capture(name);
  ServerHandshake server(1);
  Fed fed = feed(server, concat(capture.c0c1, capture.c2), true);
  CHECK(server.kind() == HandshakeKind::digest_scheme0);
  CHECK(fed.used == kC0C1Size + kHandshakeSize);
  CHECK(server.done());  // ffmpeg publishing echoes S1 in C2, which we accept
}

TEST_CASE("librtmp and ffmpeg playing signed their C2 with the digest of our S1") {
  auto name = GENERATE(as<std::string>{}, "librtmp_digest_handshake.bin",
                       "ffmpeg_play_handshake.bin");
  Capture capture = read_capture(name);
  auto s1_scheme = hd::find_scheme(block(capture.s0s1s2, 1), hd::Signer::media_server);
  REQUIRE(s1_scheme);
  REQUIRE(*s1_scheme != HandshakeKind::plain);
  auto c2_valid = hd::reply_is_valid(block(capture.c2, 0),
                                     hd::digest_at(block(capture.s0s1s2, 1), *s1_scheme),
                                     hd::Signer::player);
  REQUIRE(c2_valid);
  CHECK(*c2_valid);
}

TEST_CASE("server answers librtmp's captured plain C1 with S2 echoing it") {
  Capture capture = read_capture("librtmp_plain_handshake.bin");
  ServerHandshake server(1);
  Fed fed = feed(server, concat(capture.c0c1, capture.c2), false);
  CHECK(server.kind() == HandshakeKind::plain);
  CHECK(server.done());
  CHECK(bytes_at(fed.output, 1 + kHandshakeSize, kHandshakeSize) ==
        bytes_at(capture.c0c1, 1, kHandshakeSize));
}

TEST_CASE("the same seed gives the same S1 and another seed a different one") {
  Bytes c0c1 = make_digest_c0c1(HandshakeKind::digest_scheme1);
  ServerHandshake a(42), b(42), c(43);
  Bytes out_a = feed(a, c0c1, false).output;
  CHECK(feed(b, c0c1, false).output == out_a);
  CHECK(feed(c, c0c1, false).output != out_a);
}
