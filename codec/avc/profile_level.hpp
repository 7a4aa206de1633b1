// H.264 profile and level names as the stats API shows them ("High", "3.1").
#pragma once

#include <cstdint>
#include <string>

namespace liverelay::avc {

// H.264 A.2: profile_idc plus the constraint flags that narrow it ("Constrained Baseline").
// "" for a profile_idc we do not name.
std::string profile_name(uint8_t profile_idc, uint8_t constraint_flags);

// H.264 A.3.1: level_idc 31 -> "3.1", 40 -> "4"; level 1b is level_idc 9, or 11 with
// constraint_set3 in Baseline, Main and Extended.
std::string level_name(uint8_t profile_idc, uint8_t constraint_flags, uint8_t level_idc);

// RFC 6184 8.1 profile-level-id: the three bytes as six lower-case hex digits ("42e01f").
std::string profile_level_id(uint8_t profile_idc, uint8_t constraint_flags, uint8_t level_idc);

}  // namespace liverelay::avc
