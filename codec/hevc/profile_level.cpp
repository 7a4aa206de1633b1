// H.265 profile and level names (H.265 Annex A).
#include "codec/hevc/profile_level.hpp"

namespace liverelay::hevc {

std::string profile_name(uint8_t profile_idc) {
  switch (profile_idc) {
    case 1:
      return "Main";
    case 2:
      return "Main 10";
    case 3:
      return "Main Still Picture";
    case 4:
      return "Format Range Extensions";
    case 5:
      return "High Throughput";
    case 9:
      return "Screen Content Coding Extensions";
    case 11:
      return "High Throughput Screen Content Coding Extensions";
    default:
      return "";
  }
}

std::string level_name(uint8_t level_idc) {
  if (level_idc == 0) return "";
  std::string name = std::to_string(level_idc / 30);
  const int minor = (level_idc % 30) / 3;
  if (minor != 0) name.append(1, '.').append(std::to_string(minor));
  return name;
}

}  // namespace liverelay::hevc
