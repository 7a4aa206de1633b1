// H.265 profile and level names as the stats API shows them ("Main 10", "3.1").
#pragma once

#include <cstdint>
#include <string>

namespace liverelay::hevc {

// H.265 A.3: general_profile_idc 1 "Main", 2 "Main 10", ...; "" for one we do not name.
std::string profile_name(uint8_t profile_idc);

// H.265 A.4.1: general_level_idc is 30 x the level: 93 -> "3.1", 120 -> "4".
std::string level_name(uint8_t level_idc);

}  // namespace liverelay::hevc
