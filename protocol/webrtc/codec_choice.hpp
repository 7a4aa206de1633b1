// Which offered payload types we send with: H.264 (RFC 6184, RFC 7742) and Opus (RFC 7587).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocol/webrtc/whep_offer.hpp"

namespace liverelay::webrtc {

// RFC 6184 8.1: profile-level-id when the fmtp has none (Baseline, level 1.0).
inline constexpr std::string_view kDefaultProfileLevelId = "420010";

// The offered H.264 payload type to send a stream of `stream_profile_level_id` (e.g. "640028",
// from its SPS) with. Only packetization-mode=1 qualifies: we send FU-A and STAP-A (RFC 6184
// 6.3); mode 0 allows single NAL units only. Among those, by preference: the same
// profile-level-id; the same profile and constraint flags at another level (level-asymmetry
// makes the level ours to pick); the same profile_idc; Constrained Baseline, which every
// WebRTC endpoint decodes (RFC 7742 6.2), and a browser decodes any profile it was given under
// that name; then the offer's own order. Nothing when no payload type qualifies.
std::optional<size_t> choose_h264(std::span<const RtpCodec> codecs, std::string_view stream_profile_level_id);

// The offered profile-level-id of an H.264 codec, lower case, or the RFC 6184 default.
std::string h264_profile_level_id(const RtpCodec& codec);

// The first "opus/48000/2" (RFC 7587 7: always written so, whatever is sent).
std::optional<size_t> choose_opus(std::span<const RtpCodec> codecs);

}  // namespace liverelay::webrtc
