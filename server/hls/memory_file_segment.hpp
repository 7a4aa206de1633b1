// HLS segment bytes in an anonymous memory file (memfd): the same pages are read through a
// mapping and sent with sendfile(), as nginx sends files from the page cache, with no copy.
#pragma once

#include <span>
#include <string_view>

#include "codec/hls/segment_bytes.hpp"

namespace liverelay {

// Copies `bytes` into a new memory file; falls back to an ordinary buffer (and says so once in
// the log) where memory files are not available.
hls::SharedSegmentBytes memory_file_segment(std::span<const uint8_t> bytes, std::string_view name);

}  // namespace liverelay
