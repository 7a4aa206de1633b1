// HEVCDecoderConfigurationRecord parsing (ISO 14496-15 8.3.3.1.2 syntax).
#include "codec/hevc/decoder_config.hpp"

#include <string>

#include "protocol/core/byte_reader.hpp"

namespace liverelay::hevc {
namespace {

constexpr size_t kFixedPartSize = 22;  // everything before numOfArrays

void read_fixed_part(std::span<const uint8_t> b, DecoderConfig& config) {
  config.version = b[0];
  config.profile_space = b[1] >> 6;
  config.high_tier = (b[1] & 0x20) != 0;
  config.profile_idc = b[1] & 0x1f;
  config.profile_compatibility =
      (uint32_t{b[2]} << 24) | (uint32_t{b[3]} << 16) | (uint32_t{b[4]} << 8) | b[5];
  // b[6..11]: general_constraint_indicator_flags; b[13..14]: min_spatial_segmentation_idc;
  // b[15]: parallelismType.
  config.level_idc = b[12];
  config.chroma_format_idc = b[16] & 0x03;
  config.bit_depth_luma = static_cast<uint8_t>((b[17] & 0x07) + 8);
  config.bit_depth_chroma = static_cast<uint8_t>((b[18] & 0x07) + 8);
  // b[19..20]: avgFrameRate; b[21]: constantFrameRate, numTemporalLayers, temporalIdNested.
  config.length_size = (b[21] & 0x03) + 1;
}

Result<NalArray> read_array(ByteReader& reader, size_t index) {
  const std::string where = "hvcC: array " + std::to_string(index);
  auto type = reader.u8();
  auto count = reader.u16be();
  if (!type || !count) return fail(Errc::truncated, where + ": header truncated");
  NalArray array;
  array.complete = (*type & 0x80) != 0;
  array.nal_unit_type = *type & 0x3f;
  for (uint16_t i = 0; i < *count; ++i) {
    auto length = reader.u16be();
    if (!length) return fail(Errc::truncated, where + ": NAL unit length truncated");
    auto unit = reader.bytes(*length);
    if (!unit) {
      return fail(Errc::truncated, where + ": NAL unit declares " + std::to_string(*length) + " bytes, " +
                                       std::to_string(reader.remaining()) + " left");
    }
    array.units.emplace_back(unit->begin(), unit->end());
  }
  return array;
}

}  // namespace

std::span<const uint8_t> DecoderConfig::first_unit(uint8_t type) const {
  for (const NalArray& array : arrays) {
    if (array.nal_unit_type == type && !array.units.empty()) return array.units.front();
  }
  return {};
}

Result<DecoderConfig> parse_decoder_config(std::span<const uint8_t> record) {
  ByteReader reader(record);
  auto fixed = reader.bytes(kFixedPartSize);
  if (!fixed) return fail(Errc::truncated, "hvcC: shorter than its 22-byte header");
  DecoderConfig config;
  read_fixed_part(*fixed, config);
  if (config.version != 1) {
    return fail(Errc::malformed, "hvcC: configurationVersion " + std::to_string(config.version));
  }
  auto array_count = reader.u8();
  if (!array_count) return fail(Errc::truncated, "hvcC: truncated before numOfArrays");
  for (size_t i = 0; i < *array_count; ++i) {
    auto array = read_array(reader, i);
    if (!array) return tl::unexpected(array.error());
    config.arrays.push_back(std::move(*array));
  }
  return config;
}

}  // namespace liverelay::hevc
