// Segment and init segment names and content types for the two HLS formats.
#include "codec/hls/segment_format.hpp"

namespace liverelay::hls {

std::string segment_uri(SegmentFormat format, uint64_t sequence) {
  return "seg-" + std::to_string(sequence) + (format == SegmentFormat::ts ? ".ts" : ".m4s");
}

std::string init_uri(uint64_t generation) {
  return "init-" + std::to_string(generation) + ".mp4";
}

std::string part_uri(uint64_t number) {
  return "part-" + std::to_string(number) + ".m4s";
}

std::string_view segment_content_type(SegmentFormat format) {
  return format == SegmentFormat::ts ? "video/mp2t" : "video/mp4";
}

}  // namespace liverelay::hls
