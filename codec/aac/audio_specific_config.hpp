// AudioSpecificConfig (ISO 14496-3 1.6.2.1): the AAC sequence header of FLV/MP4.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "protocol/core/error.hpp"

namespace liverelay::aac {

struct AudioSpecificConfig {
  int object_type = 0;            // the core audioObjectType: 2 (AAC LC) under HE-AAC
  int sample_rate = 0;            // the core sampling frequency
  int channel_configuration = 0;  // 0: the channels are described by a program_config_element
  int channels = 0;               // from the configuration, or counted in the PCE
  bool sbr = false;               // spectral band replication signalled explicitly (HE-AAC)
  bool ps = false;                // parametric stereo signalled explicitly (HE-AACv2)
  int extension_sample_rate = 0;  // the SBR output rate; 0 without SBR

  // What a player outputs: SBR doubles the rate, PS turns one coded channel into two.
  [[nodiscard]] int output_sample_rate() const { return sbr ? extension_sample_rate : sample_rate; }
  [[nodiscard]] int output_channels() const { return ps && channels == 1 ? 2 : channels; }
};

// Reads the fields up to the backward-compatible SBR/PS extension (1.6.5.2). Object types
// outside the general audio family (CELP, HVXC, ...) stop after the channel configuration.
Result<AudioSpecificConfig> parse_audio_specific_config(std::span<const uint8_t> bytes);

// "LC", "HE-AAC", "HE-AACv2", "Main", ... ("" for object types we do not name).
std::string profile_name(const AudioSpecificConfig& config);

}  // namespace liverelay::aac
