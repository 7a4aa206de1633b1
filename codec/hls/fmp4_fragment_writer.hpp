// Fragmented-MP4 media fragments (moof + mdat) written by hand, sample by sample.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace liverelay::hls {

// One access unit, its times in its track's timescale.
struct Fmp4Sample {
  int64_t dts = 0;
  int64_t duration = 0;            // kept for the fragment's last sample; the others run to the next dts
  int64_t composition_offset = 0;  // pts - dts, never negative
  bool sync = false;
};

// Collects the samples of one fragment per track and writes them as one moof + mdat, the
// fragment libavformat's mp4 muxer writes with frag_custom + default_base_moof: a traf per
// track that has samples (tfhd, 64-bit tfdt, trun), their bytes in one mdat, track by track.
// As in libavformat's, each track's first fragment starts at decode time 0 (the init segment's
// edit lists place the tracks' first samples) and its decode time runs on across fragments as
// the sum of the durations written: a gap in the input does not open a hole in the timeline.
//
//   Fmp4FragmentWriter writer;
//   const int video = writer.add_track(1, true);
//   writer.add(video, sample, bytes) ...; auto fragment = writer.finish();
//
// Why not libavformat for these: per sample it costs a packet allocation and copy, a copy into
// a growing dynamic buffer and another out of it; this is one copy into a reused buffer.
class Fmp4FragmentWriter {
 public:
  static constexpr int kMaxTracks = 2;

  // `track_id` as in the init segment's moov. The mdat carries the tracks' bytes in the order
  // they were added.
  int add_track(uint32_t track_id, bool video);

  void add(int track, const Fmp4Sample& sample, std::span<const uint8_t> bytes);

  // Gives the last sample added to `track` this duration (it was a guess until the next
  // sample of its track was known).
  void set_last_duration(int track, int64_t duration);

  [[nodiscard]] bool empty() const;

  // The samples added since the last fragment, in the order they were added, their sizes and
  // their bytes one after the other.
  [[nodiscard]] std::span<const Fmp4Sample> samples(int track) const;
  [[nodiscard]] std::span<const uint32_t> sample_sizes(int track) const;
  [[nodiscard]] std::span<const uint8_t> sample_bytes(int track) const;

  // moof + mdat of every sample added since the last fragment (empty when there was none).
  std::vector<uint8_t> finish();

 private:
  struct Track {
    uint32_t id = 0;
    bool video = false;
    int64_t decode_time = 0;
    std::optional<int64_t> resume_dts;  // where the last fragment's samples ended
    std::vector<Fmp4Sample> samples;
    std::vector<uint32_t> sizes;  // of each sample's bytes
    std::vector<uint8_t> bytes;   // the samples' bytes, one after the other
  };

  void write_traf(std::vector<uint8_t>& out, const Track& track, std::vector<size_t>& data_offset_at) const;

  std::array<Track, kMaxTracks> tracks_;
  int track_count_ = 0;
  uint32_t sequence_number_ = 1;
};

}  // namespace liverelay::hls
