// H.264 and Opus payload type selection among an m-line's offered codecs.
#include "protocol/webrtc/codec_choice.hpp"

#include <cctype>

namespace liverelay::webrtc {
namespace {

std::string lower(std::string_view text) {
  std::string out;
  for (const char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // profile-level-id is lower-cased before it gets here
}

bool is_h264_mode1(const RtpCodec& codec) {
  return iequals(codec.name, "H264") && codec.clock_rate == 90000 &&
         fmtp_parameter(codec.fmtp, "packetization-mode") == "1";
}

// RFC 6184 8.1: profile-level-id is profile_idc, profile-iop (constraint flags), level_idc in hex.
int h264_score(std::string_view offered, std::string_view wanted) {
  if (offered.size() != 6) return 0;
  if (offered == wanted) return 4;
  if (wanted.size() == 6 && offered.substr(0, 4) == wanted.substr(0, 4)) return 3;
  if (wanted.size() == 6 && offered.substr(0, 2) == wanted.substr(0, 2)) return 2;
  // Constrained Baseline: profile_idc 66 with constraint_set1_flag (0x40 in profile-iop).
  const int flags_high = hex_value(offered[2]);
  return offered.substr(0, 2) == "42" && flags_high >= 0 && (flags_high & 0x4) != 0 ? 1 : 0;
}

}  // namespace

std::string h264_profile_level_id(const RtpCodec& codec) {
  const auto value = fmtp_parameter(codec.fmtp, "profile-level-id");
  return value ? lower(*value) : std::string(kDefaultProfileLevelId);
}

std::optional<size_t> choose_h264(std::span<const RtpCodec> codecs,
                                  std::string_view stream_profile_level_id) {
  const std::string wanted = lower(stream_profile_level_id);
  std::optional<size_t> best;
  int best_score = -1;
  for (size_t i = 0; i < codecs.size(); ++i) {
    if (!is_h264_mode1(codecs[i])) continue;
    const int score = h264_score(h264_profile_level_id(codecs[i]), wanted);
    if (score > best_score) {  // ties keep the earlier one: the offer's preference
      best = i;
      best_score = score;
    }
  }
  return best;
}

std::optional<size_t> choose_opus(std::span<const RtpCodec> codecs) {
  for (size_t i = 0; i < codecs.size(); ++i)
    if (iequals(codecs[i].name, "opus") && codecs[i].clock_rate == 48000 && codecs[i].channels == 2) return i;
  return std::nullopt;
}

}  // namespace liverelay::webrtc
