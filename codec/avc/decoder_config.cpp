// AVCDecoderConfigurationRecord parsing (ISO 14496-15 5.2.4.1.1 syntax).
#include "codec/avc/decoder_config.hpp"

#include <string>

#include "protocol/core/byte_reader.hpp"

namespace liverelay::avc {
namespace {

// Reads `count` parameter sets, each a 16-bit length and the NAL unit.
Result<void> read_parameter_sets(ByteReader& reader, size_t count, const char* what,
                                 std::vector<std::vector<uint8_t>>& out) {
  for (size_t i = 0; i < count; ++i) {
    auto length = reader.u16be();
    if (!length) return fail(Errc::truncated, std::string(what) + " length truncated");
    if (*length == 0) return fail(Errc::malformed, std::string(what) + " of zero length");
    auto nal = reader.bytes(*length);
    if (!nal) {
      return fail(Errc::truncated, std::string(what) + " " + std::to_string(i) + " declares " +
                                       std::to_string(*length) + " bytes, " +
                                       std::to_string(reader.remaining()) + " left");
    }
    out.emplace_back(nal->begin(), nal->end());
  }
  return {};
}

}  // namespace

Result<DecoderConfig> parse_decoder_config(std::span<const uint8_t> record) {
  ByteReader reader(record);
  DecoderConfig config;
  auto fixed = reader.bytes(6);
  if (!fixed) return fail(Errc::truncated, "avcC: shorter than its 6-byte header");
  config.version = (*fixed)[0];
  if (config.version != 1) {
    return fail(Errc::malformed, "avcC: configurationVersion " + std::to_string(config.version));
  }
  config.profile_indication = (*fixed)[1];
  config.profile_compatibility = (*fixed)[2];
  config.level_indication = (*fixed)[3];
  config.length_size = ((*fixed)[4] & 0x03) + 1;
  const size_t sps_count = (*fixed)[5] & 0x1f;
  if (auto ok = read_parameter_sets(reader, sps_count, "avcC: SPS", config.sps); !ok) {
    return tl::unexpected(ok.error());
  }
  auto pps_count = reader.u8();
  if (!pps_count) return fail(Errc::truncated, "avcC: truncated before numOfPictureParameterSets");
  if (auto ok = read_parameter_sets(reader, *pps_count, "avcC: PPS", config.pps); !ok) {
    return tl::unexpected(ok.error());
  }
  return config;
}

}  // namespace liverelay::avc
