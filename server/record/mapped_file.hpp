// A file of a recording opened for HTTP: mapped read-only (the bytes a slow client's queue
// takes) and behind its descriptor, so a response goes out with sendfile() like a live segment.
#pragma once

#include <filesystem>

#include "codec/hls/segment_bytes.hpp"

namespace liverelay {

// nullptr when the file is missing, empty, not a regular file or a symbolic link.
hls::SharedSegmentBytes map_file(const std::filesystem::path& path);

}  // namespace liverelay
