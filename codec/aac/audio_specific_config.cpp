// AudioSpecificConfig parsing (ISO 14496-3 1.6.2.1, GASpecificConfig 4.4.1, PCE 4.4.1.1).
#include "codec/aac/audio_specific_config.hpp"

#include <algorithm>
#include <array>

#include "codec/bit_reader.hpp"

namespace liverelay::aac {
namespace {

using codec::BitReader;

constexpr int kObjectTypeSbr = 5;
constexpr int kObjectTypePs = 29;
constexpr int kObjectTypeErBsac = 22;
constexpr uint32_t kSyncExtensionSbr = 0x2b7;  // 1.6.5.2 backward-compatible signalling
constexpr uint32_t kSyncExtensionPs = 0x548;
constexpr uint32_t kExplicitFrequency = 0xf;

// 1.6.3.4 Table 1.18: samplingFrequencyIndex 0..12.
constexpr std::array<int, 13> kSampleRates = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                              22050, 16000, 12000, 11025, 8000,  7350};

// 1.6.3.5 Table 1.19 (with the additions of 14496-3:2009 Amd 4 for 11..14).
int channels_for_configuration(uint32_t configuration) {
  constexpr std::array<int, 15> kChannels = {0, 1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 7, 8, 24, 8};
  return configuration < kChannels.size() ? kChannels[configuration] : 0;
}

// 1.6.2.1 GetAudioObjectType: 31 escapes to 32 + a 6-bit extension.
int read_object_type(BitReader& r) {
  const int type = static_cast<int>(r.bits(5));
  return type == 31 ? 32 + static_cast<int>(r.bits(6)) : type;
}

Result<int> read_sample_rate(BitReader& r) {
  const uint32_t index = r.bits(4);
  if (index == kExplicitFrequency) return static_cast<int>(r.bits(24));
  if (index >= kSampleRates.size()) {
    return fail(Errc::malformed,
                "AudioSpecificConfig: reserved sampling frequency index " + std::to_string(index));
  }
  return kSampleRates[index];
}

// 1.6.2.1: the object types whose AudioSpecificConfig continues with a GASpecificConfig.
constexpr std::array<int, 12> kGeneralAudioTypes = {1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23};

bool is_general_audio(int type) {
  return std::find(kGeneralAudioTypes.begin(), kGeneralAudioTypes.end(), type) != kGeneralAudioTypes.end();
}

// 4.4.1.1 program_config_element, read only far enough to count its output channels.
int read_pce_channels(BitReader& r) {
  r.skip(4 + 2 + 4);  // element_instance_tag, object_type, sampling_frequency_index
  const uint32_t front = r.bits(4);
  const uint32_t side = r.bits(4);
  const uint32_t back = r.bits(4);
  const uint32_t lfe = r.bits(2);
  r.skip(3 + 4);            // num_assoc_data_elements, num_valid_cc_elements
  if (r.flag()) r.skip(4);  // mono_mixdown_element_number
  if (r.flag()) r.skip(4);  // stereo_mixdown_element_number
  if (r.flag()) r.skip(3);  // matrix_mixdown_idx, pseudo_surround_enable
  int channels = static_cast<int>(lfe);
  for (uint32_t i = 0; i < front + side + back && r.ok(); ++i) {
    channels += r.flag() ? 2 : 1;  // *_element_is_cpe: a channel pair
    r.skip(4);                     // *_element_tag_select
  }
  return channels;
}

// 4.4.1 GASpecificConfig.
void read_ga_specific_config(BitReader& r, AudioSpecificConfig& config) {
  r.skip(1);                 // frameLengthFlag
  if (r.flag()) r.skip(14);  // dependsOnCoreCoder -> coreCoderDelay
  const bool extension = r.flag();
  if (config.channel_configuration == 0) config.channels = read_pce_channels(r);
  if (config.object_type == 6 || config.object_type == 20) r.skip(3);  // layerNr
  if (extension) {
    if (config.object_type == kObjectTypeErBsac) r.skip(5 + 11);  // numOfSubFrame, layer_length
    const int t = config.object_type;
    if (t == 17 || t == 19 || t == 20 || t == 23) r.skip(3);  // the three resilience flags
    r.skip(1);                                                // extensionFlag3
  }
}

// 1.6.2.1 tail: SBR/PS announced after the core config, which old decoders ignore.
void read_sync_extension(BitReader& r, AudioSpecificConfig& config) {
  if (r.bits_left() < 16 || r.bits(11) != kSyncExtensionSbr) return;
  if (read_object_type(r) != kObjectTypeSbr) return;
  BitReader probe = r;
  if (!probe.flag()) return;  // sbrPresentFlag 0: explicitly no SBR
  auto rate = read_sample_rate(probe);
  if (!rate || !probe.ok()) return;
  config.sbr = true;
  config.extension_sample_rate = *rate;
  if (probe.bits_left() >= 12 && probe.bits(11) == kSyncExtensionPs) config.ps = probe.flag();
}

}  // namespace

Result<AudioSpecificConfig> parse_audio_specific_config(std::span<const uint8_t> bytes) {
  BitReader r(bytes);
  AudioSpecificConfig config;
  config.object_type = read_object_type(r);
  auto rate = read_sample_rate(r);
  if (!rate) return tl::unexpected(rate.error());
  config.sample_rate = *rate;
  const uint32_t channel_configuration = r.bits(4);
  config.channel_configuration = static_cast<int>(channel_configuration);
  config.channels = channels_for_configuration(channel_configuration);
  if (!r.ok()) return tl::unexpected(r.error("AudioSpecificConfig"));
  const bool hierarchical = config.object_type == kObjectTypeSbr || config.object_type == kObjectTypePs;
  if (hierarchical) {  // explicit hierarchical signalling: the extension comes first
    config.sbr = true;
    config.ps = config.object_type == kObjectTypePs;
    auto extension_rate = read_sample_rate(r);
    if (!extension_rate) return tl::unexpected(extension_rate.error());
    config.extension_sample_rate = *extension_rate;
    config.object_type = read_object_type(r);
    if (config.object_type == kObjectTypeErBsac) r.skip(4);  // extensionChannelConfiguration
  }
  if (!r.ok()) return tl::unexpected(r.error("AudioSpecificConfig: SBR extension"));
  if (!is_general_audio(config.object_type)) return config;
  read_ga_specific_config(r, config);
  if (!r.ok()) return tl::unexpected(r.error("AudioSpecificConfig: GASpecificConfig"));
  const bool error_resilient = config.object_type >= 17 && config.object_type <= 27;
  // The PCE ends with byte alignment relative to a start we cannot know here: stop before
  // the sync extension rather than misread it. ER types put epConfig first.
  if (!hierarchical && config.channel_configuration != 0 && !error_resilient) {
    read_sync_extension(r, config);
  }
  return config;
}

std::string profile_name(const AudioSpecificConfig& config) {
  if (config.ps) return "HE-AACv2";
  if (config.sbr) return "HE-AAC";
  switch (config.object_type) {
    case 1:
      return "Main";
    case 2:
      return "LC";
    case 3:
      return "SSR";
    case 4:
      return "LTP";
    case 23:
      return "LD";
    case 39:
      return "ELD";
    default:
      return "";
  }
}

}  // namespace liverelay::aac
