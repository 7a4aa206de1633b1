// HLS segment bytes in an unnamed file: the same pages are read through a mapping and sent with
// sendfile(), as nginx sends files from the page cache, with no copy.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <sys/types.h>

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

// The pieces, for files built up in place (SegmentAssembler):
// an unnamed file: O_TMPFILE in `directory`, else (no directory, or it fails: logged once) a
// memory file named `name`; -1 when neither can be had.
int open_unnamed_file(const std::string& directory, std::string_view name);
// pwrite() of all of `bytes` at `offset`; false (errno set) when the file cannot take them.
bool write_all_at(int fd, std::span<const uint8_t> bytes, off_t offset);
// Says once that `directory` could not hold segments (errno's reason): memory files from here.
void note_directory_failure(const std::string& directory);

}  // namespace liverelay
