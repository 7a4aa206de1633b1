// An FLV file read whole into tags, ready to be published in a loop (FLV spec v10.1 E.2-E.4).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/rtmp/message.hpp"

namespace rtmp_load {

struct FlvTag {
  liverelay::rtmp::MessageType type = liverelay::rtmp::MessageType::video;
  uint32_t timestamp = 0;  // ms, from the file's first tag
  std::vector<uint8_t> body;
  // Script data and sequence headers: sent once at publish start, not again on each loop.
  bool setup = false;
};

struct FlvFile {
  std::vector<FlvTag> tags;  // in file order (muxers interleave by dts)
  uint32_t loop_ms = 0;      // how far the timeline advances per pass: the last tag plus a frame
  uint64_t media_bytes = 0;  // audio + video bodies of one pass, for the bitrate
};

// Reads the whole file. Fails on a missing file, a bad header, a truncated tag, or no video.
liverelay::Result<FlvFile> read_flv_file(const std::string& path);

}  // namespace rtmp_load
