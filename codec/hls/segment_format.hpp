// The two HLS segment formats we write, and the URIs and content types that follow from them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace liverelay::hls {

// MPEG-2 TS (RFC 8216 3.2) or fragmented MP4 with an init segment (RFC 8216 3.3).
enum class SegmentFormat : uint8_t { ts, fmp4 };

// "seg-<sequence>.ts" / "seg-<sequence>.m4s": relative to the playlist, so a proxy or CDN can
// serve the stream under any prefix.
std::string segment_uri(SegmentFormat format, uint64_t sequence);

// "init-<generation>.mp4": a new name per init segment, because players cache an EXT-X-MAP by
// URI and would otherwise keep the old codec parameters after a discontinuity.
std::string init_uri(uint64_t generation);

// A low-latency partial segment, numbered across the broadcast rather than within its segment:
// the preload hint names the next part before anyone knows which segment it will belong to.
std::string part_uri(uint64_t number);

// "video/mp2t" for TS; "video/mp4" for fMP4 media and init segments.
std::string_view segment_content_type(SegmentFormat format);

}  // namespace liverelay::hls
