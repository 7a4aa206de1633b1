// Closes a recording that a crash (kill -9, power cut) left open: its playlist keeps the
// segments it lists that are on disk and becomes a VOD with EXT-X-ENDLIST. At most the segment
// being written when the process died is lost (written but not yet listed, or half written).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace liverelay {

struct RepairedRecording {
  std::string state;        // "partial" (segments kept) or "empty" (none: the folder is removed)
  int64_t duration_ms = 0;
  int64_t bytes = 0;
  std::optional<int64_t> media_end_ms;  // wall clock at the end of the last segment kept
  std::string problem;                  // why segments were dropped, for the log ("" if none)
};

// Synchronous: run at start-up, before the server serves anything.
RepairedRecording repair_recording(const std::filesystem::path& folder);

}  // namespace liverelay
