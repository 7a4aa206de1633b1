// Tests for the bounds-checked bit reader and its Exp-Golomb codes.
#include "codec/bit_reader.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "tests/codec/bit_writer.hpp"

using liverelay::Errc;
using liverelay::codec::BitReader;
using liverelay::testing::BitWriter;

TEST_CASE("bit reader reads fields most significant bit first across byte boundaries") {
  const std::vector<uint8_t> data = {0b10110011, 0b01011100};
  BitReader r(data);
  CHECK(r.bits(3) == 0b101);
  CHECK(r.bits(7) == 0b1001101);
  CHECK(r.flag() == false);
  CHECK(r.bits(4) == 0b1110);
  CHECK(r.ok());
  CHECK(r.bits_left() == 1);
}

TEST_CASE("bit reader reads a full 32-bit field") {
  const std::vector<uint8_t> data = {0xde, 0xad, 0xbe, 0xef};
  BitReader r(data);
  CHECK(r.bits(32) == 0xdeadbeefu);
  CHECK(r.ok());
}

TEST_CASE("bit reader decodes unsigned Exp-Golomb codes of H.264 Table 9-2") {
  // 1 | 010 | 011 | 00100 | 00111 | 0001000  ->  0, 1, 2, 3, 6, 7
  const std::vector<uint8_t> data = {0b10100110, 0b01000011, 0b10001000};
  BitReader r(data);
  CHECK(r.ue() == 0);
  CHECK(r.ue() == 1);
  CHECK(r.ue() == 2);
  CHECK(r.ue() == 3);
  CHECK(r.ue() == 6);
  CHECK(r.ue() == 7);
  CHECK(r.ok());
}

TEST_CASE("bit reader decodes signed Exp-Golomb codes of H.264 Table 9-3") {
  const std::vector<int32_t> values = {0, 1, -1, 2, -2, 127, -128, 100000, -100000};
  BitWriter w;
  for (int32_t v : values) w.se(v);
  const std::vector<uint8_t> data = w.finish();
  BitReader r(data);
  for (int32_t v : values) CHECK(r.se() == v);
  CHECK(r.ok());
}

TEST_CASE("bit reader decodes the largest 32-bit Exp-Golomb value") {
  const std::vector<uint8_t> data = BitWriter().ue(0xfffffffeu).finish();
  BitReader r(data);
  CHECK(r.ue() == 0xfffffffeu);
  CHECK(r.ok());
}

TEST_CASE("bit reader fails instead of reading past the end, and stays failed") {
  const std::vector<uint8_t> data = {0xff};
  BitReader r(data);
  CHECK(r.bits(6) == 0x3f);
  CHECK(r.bits(3) == 0);
  CHECK_FALSE(r.ok());
  CHECK(r.bits(1) == 0);
  CHECK(r.bits_left() == 0);
  CHECK(r.error("sps").code == Errc::truncated);
  CHECK(r.error("sps").message == "sps: truncated");
}

TEST_CASE("bit reader reports an Exp-Golomb code cut off in its suffix as truncated") {
  const std::vector<uint8_t> data = {0b00000001};  // 7 zeros and the one: 7 suffix bits missing
  BitReader r(data);
  CHECK(r.ue() == 0);
  CHECK_FALSE(r.ok());
  CHECK(r.error("x").code == Errc::truncated);
}

TEST_CASE("bit reader rejects an Exp-Golomb code with more than 31 leading zeros") {
  const std::vector<uint8_t> data = {0, 0, 0, 0, 0x80, 0, 0, 0, 0};
  BitReader r(data);
  r.ue();
  CHECK_FALSE(r.ok());
  CHECK(r.error("sps").code == Errc::malformed);
}

TEST_CASE("bit reader skip past the end fails") {
  const std::vector<uint8_t> data = {0x00, 0x00};
  BitReader r(data);
  r.skip(16);
  CHECK(r.ok());
  r.skip(1);
  CHECK_FALSE(r.ok());
}
