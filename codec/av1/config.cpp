// AV1CodecConfigurationRecord parsing (AV1-ISOBMFF 2.3.3) and AV1 profile and level names.
#include "codec/av1/config.hpp"

namespace liverelay::av1 {
namespace {

constexpr size_t kFixedPartSize = 4;
constexpr uint8_t kMaxLevelIdx = 31;  // AV1 A.3: "maximum parameters", no level constraint

}  // namespace

Result<Config> parse_config(std::span<const uint8_t> record) {
  if (record.size() < kFixedPartSize) return fail(Errc::truncated, "av1C: shorter than 4 bytes");
  // 2.3.3: marker (1) and version (1) share the first byte.
  if (record[0] != 0x81) {
    return fail(Errc::malformed, "av1C: marker/version byte " + std::to_string(record[0]));
  }
  Config config;
  config.seq_profile = record[1] >> 5;
  config.seq_level_idx = record[1] & 0x1f;
  config.high_tier = (record[2] & 0x80) != 0;
  config.high_bitdepth = (record[2] & 0x40) != 0;
  config.twelve_bit = (record[2] & 0x20) != 0;
  config.monochrome = (record[2] & 0x10) != 0;
  config.config_obus.assign(record.begin() + kFixedPartSize, record.end());
  return config;
}

std::string profile_name(uint8_t seq_profile) {
  switch (seq_profile) {
    case 0:
      return "Main";
    case 1:
      return "High";
    case 2:
      return "Professional";
    default:
      return "";
  }
}

std::string level_name(uint8_t seq_level_idx) {
  if (seq_level_idx >= kMaxLevelIdx) return "max";
  return std::to_string(2 + (seq_level_idx >> 2)) + "." + std::to_string(seq_level_idx & 3);
}

}  // namespace liverelay::av1
