// HLS segment bytes in an unnamed file: the same pages are read through a mapping and sent with
// sendfile(), as nginx sends files from the page cache, with no copy.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "codec/hls/segment_bytes.hpp"

namespace liverelay {

// Copies `bytes` into a new unnamed file in `directory` (O_TMPFILE: it lives in the page cache and
// vanishes with its last reference) or, with no directory or where that fails, into a memory
// file (memfd); falls back to an ordinary buffer (and says so once in the log) where neither is
// available. A disk file system's page cache is the faster source for sendfile(): written in one
// piece, a segment sits in large folios, where tmpfs (memfd) splices it 4 KiB page by 4 KiB page
// (measured in docs/BENCHMARKS.md: about 9 % more segment requests a second, for nginx and us).
hls::SharedSegmentBytes memory_file_segment(std::span<const uint8_t> bytes, std::string_view name,
                                            const std::string& directory = {});

}  // namespace liverelay
