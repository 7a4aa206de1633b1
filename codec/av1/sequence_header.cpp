// AV1 OBU walking and sequence header parsing (AV1 5.3.1, 5.5.1).
#include "codec/av1/sequence_header.hpp"

#include <string>

#include "codec/bit_reader.hpp"
#include "protocol/core/byte_reader.hpp"

namespace liverelay::av1 {
namespace {

using codec::BitReader;

constexpr uint8_t kObuSequenceHeader = 1;
constexpr int kMaxLeb128Bytes = 8;

// AV1 4.10.5: little-endian base-128 size; values past 2^32 - 1 are not allowed.
Result<uint64_t> read_leb128(ByteReader& reader) {
  uint64_t value = 0;
  for (int i = 0; i < kMaxLeb128Bytes; ++i) {
    auto byte = reader.u8();
    if (!byte) return fail(Errc::truncated, "av1: obu_size truncated");
    value |= uint64_t{*byte & 0x7fu} << (7 * i);
    if ((*byte & 0x80) == 0) {
      if (value > 0xffffffffu) return fail(Errc::malformed, "av1: obu_size over 2^32 - 1");
      return value;
    }
  }
  return fail(Errc::malformed, "av1: obu_size longer than 8 bytes");
}

// AV1 4.10.3 uvlc(), read only to be skipped.
void skip_uvlc(BitReader& r) {
  int leading_zeros = 0;
  while (r.ok() && !r.flag()) ++leading_zeros;
  if (leading_zeros < 32) r.skip(static_cast<size_t>(leading_zeros));
}

// AV1 5.5.1, the part between reduced_still_picture_header and frame_width_bits_minus_1.
void read_operating_points(BitReader& r, SequenceHeader& header) {
  int buffer_delay_bits = 0;
  bool decoder_model_info = false;
  if (r.flag()) {                // timing_info_present_flag -> timing_info() (5.5.3)
    r.skip(64);                  // num_units_in_display_tick, time_scale
    if (r.flag()) skip_uvlc(r);  // equal_picture_interval -> num_ticks_per_picture_minus_1
    decoder_model_info = r.flag();
    if (decoder_model_info) {  // decoder_model_info() (5.5.4)
      buffer_delay_bits = static_cast<int>(r.bits(5)) + 1;
      r.skip(32 + 5 + 5);
    }
  }
  const bool initial_display_delay = r.flag();
  const uint32_t operating_points = r.bits(5) + 1;
  for (uint32_t i = 0; i < operating_points && r.ok(); ++i) {
    r.skip(12);  // operating_point_idc
    const auto level = static_cast<uint8_t>(r.bits(5));
    if (i == 0) header.seq_level_idx = level;
    if (level > 7) r.skip(1);                                  // seq_tier
    if (decoder_model_info && r.flag()) {                      // decoder_model_present_for_this_op
      r.skip(2 * static_cast<size_t>(buffer_delay_bits) + 1);  // operating_parameters_info()
    }
    if (initial_display_delay && r.flag()) r.skip(4);  // initial_display_delay_minus_1
  }
}

Result<SequenceHeader> parse_sequence_header(std::span<const uint8_t> payload) {
  BitReader r(payload);
  SequenceHeader header;
  header.seq_profile = static_cast<uint8_t>(r.bits(3));
  r.skip(1);       // still_picture
  if (r.flag()) {  // reduced_still_picture_header
    header.seq_level_idx = static_cast<uint8_t>(r.bits(5));
  } else {
    read_operating_points(r, header);
  }
  const int width_bits = static_cast<int>(r.bits(4)) + 1;
  const int height_bits = static_cast<int>(r.bits(4)) + 1;
  header.max_width = static_cast<int>(r.bits(width_bits)) + 1;
  header.max_height = static_cast<int>(r.bits(height_bits)) + 1;
  if (!r.ok()) return tl::unexpected(r.error("av1 sequence header"));
  return header;
}

}  // namespace

Result<std::optional<SequenceHeader>> find_sequence_header(std::span<const uint8_t> obus) {
  ByteReader reader(obus);
  while (!reader.empty()) {
    const uint8_t obu_header = *reader.u8();
    if (obu_header & 0x80) return fail(Errc::malformed, "av1: obu_forbidden_bit set");
    const uint8_t type = (obu_header >> 3) & 0x0f;
    if ((obu_header & 0x04) && !reader.skip(1)) {  // obu_extension_flag: one more header byte
      return fail(Errc::truncated, "av1: OBU extension header truncated");
    }
    size_t size = reader.remaining();  // without obu_has_size_field the OBU runs to the end
    if (obu_header & 0x02) {
      auto declared = read_leb128(reader);
      if (!declared) return tl::unexpected(declared.error());
      size = static_cast<size_t>(*declared);
    }
    auto payload = reader.bytes(size);
    if (!payload) {
      return fail(Errc::truncated, "av1: OBU of " + std::to_string(size) + " bytes with " +
                                       std::to_string(reader.remaining()) + " left");
    }
    if (type == kObuSequenceHeader) {
      auto header = parse_sequence_header(*payload);
      if (!header) return tl::unexpected(header.error());
      return std::optional<SequenceHeader>(*header);
    }
  }
  return std::optional<SequenceHeader>();
}

}  // namespace liverelay::av1
