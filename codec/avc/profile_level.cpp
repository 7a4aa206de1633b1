// H.264 profile and level names (H.264 Annex A).
#include "codec/avc/profile_level.hpp"

#include <cstdio>

#include "codec/avc/sps.hpp"

namespace liverelay::avc {

std::string profile_name(uint8_t profile_idc, uint8_t constraint_flags) {
  const bool set1 = (constraint_flags & kConstraintSet1) != 0;
  const bool set3 = (constraint_flags & kConstraintSet3) != 0;
  switch (profile_idc) {
    case 66:
      return set1 ? "Constrained Baseline" : "Baseline";  // A.2.1.1
    case 77:
      return "Main";
    case 88:
      return "Extended";
    case 100:
      return "High";
    case 110:
      return set3 ? "High 10 Intra" : "High 10";
    case 122:
      return set3 ? "High 4:2:2 Intra" : "High 4:2:2";
    case 244:
      return set3 ? "High 4:4:4 Intra" : "High 4:4:4 Predictive";
    case 44:
      return "CAVLC 4:4:4 Intra";
    case 83:
      return "Scalable Baseline";
    case 86:
      return "Scalable High";
    case 118:
      return "Multiview High";
    case 128:
      return "Stereo High";
    default:
      return "";
  }
}

std::string level_name(uint8_t profile_idc, uint8_t constraint_flags, uint8_t level_idc) {
  const bool legacy_profile = profile_idc == 66 || profile_idc == 77 || profile_idc == 88;
  if (level_idc == 9 || (level_idc == 11 && legacy_profile && (constraint_flags & kConstraintSet3))) {
    return "1b";
  }
  if (level_idc == 0) return "";
  std::string name = std::to_string(level_idc / 10);
  if (level_idc % 10 != 0) name.append(1, '.').append(std::to_string(level_idc % 10));
  return name;
}

std::string profile_level_id(uint8_t profile_idc, uint8_t constraint_flags, uint8_t level_idc) {
  char hex[7] = {};
  std::snprintf(hex, sizeof(hex), "%02x%02x%02x", profile_idc, constraint_flags, level_idc);
  return hex;
}

}  // namespace liverelay::avc
