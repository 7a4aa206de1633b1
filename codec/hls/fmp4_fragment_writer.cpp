// Fmp4FragmentWriter: moof + mdat boxes (ISO/IEC 14496-12 8.8) from collected samples.
#include "codec/hls/fmp4_fragment_writer.hpp"

#include <cassert>

#include "protocol/core/byte_writer.hpp"

namespace liverelay::hls {
namespace {

// tfhd and trun flags (ISO/IEC 14496-12 8.8.7, 8.8.8).
constexpr uint32_t kDefaultSampleFlagsPresent = 0x000020;
constexpr uint32_t kDefaultBaseIsMoof = 0x020000;
constexpr uint32_t kDataOffsetPresent = 0x000001;
constexpr uint32_t kFirstSampleFlagsPresent = 0x000004;
constexpr uint32_t kSampleDurationPresent = 0x000100;
constexpr uint32_t kSampleSizePresent = 0x000200;
constexpr uint32_t kSampleFlagsPresent = 0x000400;
constexpr uint32_t kSampleCompositionOffsetPresent = 0x000800;

// Sample flags (8.8.3.1): a sync sample depends on no other; any other depends on others and
// is a non-sync sample.
constexpr uint32_t kSyncSampleFlags = 0x02000000;
constexpr uint32_t kNonSyncSampleFlags = 0x01010000;

uint32_t sample_flags(const Fmp4Sample& sample) {
  return sample.sync ? kSyncSampleFlags : kNonSyncSampleFlags;
}

void put_u32be_at(std::vector<uint8_t>& out, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(value >> (8 * (3 - i)));
}

// A box whose size is patched in when it is closed.
class Box {
 public:
  Box(std::vector<uint8_t>& out, const char (&type)[5]) : out_(out), start_(out.size()) {
    ByteWriter w(out_);
    w.u32be(0);
    w.text({type, 4});
  }
  ~Box() { put_u32be_at(out_, start_, static_cast<uint32_t>(out_.size() - start_)); }
  Box(const Box&) = delete;
  Box& operator=(const Box&) = delete;

 private:
  std::vector<uint8_t>& out_;
  size_t start_;
};

void full_box_header(ByteWriter& w, uint8_t version, uint32_t flags) {
  w.u8(version);
  w.u24be(flags);
}

// Where a fragment's first sample starts on the track's timeline: where the previous fragment
// ended. A first sample that comes later (a gap, or a last duration that was guessed short)
// gets a longer duration instead, so every later sample keeps its place (libavformat does the
// same) and the tracks stay in sync.
int64_t first_sample_start(const auto& track) {
  return track.resume_dts.value_or(track.samples.front().dts);
}

}  // namespace

int Fmp4FragmentWriter::add_track(uint32_t track_id, bool video) {
  assert(track_count_ < kMaxTracks);
  Track& track = tracks_[track_count_];
  track.id = track_id;
  track.video = video;
  return track_count_++;
}

void Fmp4FragmentWriter::add(int track, const Fmp4Sample& sample, std::span<const uint8_t> bytes) {
  Track& t = tracks_[track];
  t.samples.push_back(sample);
  t.sizes.push_back(static_cast<uint32_t>(bytes.size()));
  t.bytes.insert(t.bytes.end(), bytes.begin(), bytes.end());
}

void Fmp4FragmentWriter::set_last_duration(int track, int64_t duration) {
  if (auto& samples = tracks_[track].samples; !samples.empty()) samples.back().duration = duration;
}

bool Fmp4FragmentWriter::empty() const {
  for (int i = 0; i < track_count_; ++i)
    if (!tracks_[i].samples.empty()) return false;
  return true;
}

std::span<const Fmp4Sample> Fmp4FragmentWriter::samples(int track) const {
  return tracks_[track].samples;
}

std::span<const uint32_t> Fmp4FragmentWriter::sample_sizes(int track) const {
  return tracks_[track].sizes;
}

std::span<const uint8_t> Fmp4FragmentWriter::sample_bytes(int track) const {
  return tracks_[track].bytes;
}

std::vector<uint8_t> Fmp4FragmentWriter::finish() {
  std::vector<uint8_t> out;
  if (empty()) return out;
  size_t samples = 0;
  size_t mdat_payload = 0;
  for (int i = 0; i < track_count_; ++i) {
    samples += tracks_[i].samples.size();
    mdat_payload += tracks_[i].bytes.size();
  }
  // moof, mfhd and the fixed part of each traf; at most 16 bytes of trun per sample; the mdat.
  out.reserve(32 + kMaxTracks * 96 + 16 * samples + 8 + mdat_payload);

  // Each trun's data offset counts from the moof to its track's first byte in the mdat, known
  // only once the moof is complete: their places are noted and patched after.
  std::vector<size_t> data_offset_at;
  {
    Box moof(out, "moof");
    {
      Box mfhd(out, "mfhd");
      ByteWriter w(out);
      full_box_header(w, 0, 0);
      w.u32be(sequence_number_++);
    }
    for (int i = 0; i < track_count_; ++i)
      if (!tracks_[i].samples.empty()) write_traf(out, tracks_[i], data_offset_at);
  }
  size_t data_offset = out.size() + 8;  // past the mdat's header
  size_t patched = 0;
  for (int i = 0; i < track_count_; ++i) {
    if (tracks_[i].samples.empty()) continue;
    put_u32be_at(out, data_offset_at[patched++], static_cast<uint32_t>(data_offset));
    data_offset += tracks_[i].bytes.size();
  }

  ByteWriter w(out);
  w.u32be(static_cast<uint32_t>(8 + mdat_payload));
  w.text("mdat");
  for (int i = 0; i < track_count_; ++i) {
    Track& track = tracks_[i];
    if (track.samples.empty()) continue;
    w.bytes(track.bytes);
    const Fmp4Sample& last = track.samples.back();
    const int64_t end = last.dts + last.duration;
    track.decode_time += end - first_sample_start(track);
    track.resume_dts = end;
    track.samples.clear();
    track.sizes.clear();
    track.bytes.clear();
  }
  return out;
}

void Fmp4FragmentWriter::write_traf(std::vector<uint8_t>& out, const Track& track,
                                    std::vector<size_t>& data_offset_at) const {
  const auto& samples = track.samples;
  // Video is mostly non-sync samples, audio all sync: the default covers every sample but
  // the odd keyframe, which the first-sample field or per-sample flags then carry.
  const uint32_t default_flags = track.video ? kNonSyncSampleFlags : kSyncSampleFlags;
  bool later_flags_differ = false;
  bool any_composition_offset = false;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i > 0 && sample_flags(samples[i]) != default_flags) later_flags_differ = true;
    if (samples[i].composition_offset != 0) any_composition_offset = true;
  }
  uint32_t trun_flags = kDataOffsetPresent | kSampleDurationPresent | kSampleSizePresent;
  if (later_flags_differ)
    trun_flags |= kSampleFlagsPresent;
  else if (sample_flags(samples.front()) != default_flags)
    trun_flags |= kFirstSampleFlagsPresent;
  if (any_composition_offset) trun_flags |= kSampleCompositionOffsetPresent;

  Box traf(out, "traf");
  ByteWriter w(out);
  {
    Box tfhd(out, "tfhd");
    full_box_header(w, 0, kDefaultBaseIsMoof | kDefaultSampleFlagsPresent);
    w.u32be(track.id);
    w.u32be(default_flags);
  }
  {
    Box tfdt(out, "tfdt");
    full_box_header(w, 1, 0);
    w.u64be(static_cast<uint64_t>(track.decode_time));
  }
  Box trun(out, "trun");
  full_box_header(w, 0, trun_flags);
  w.u32be(static_cast<uint32_t>(samples.size()));
  data_offset_at.push_back(out.size());
  w.u32be(0);
  if (trun_flags & kFirstSampleFlagsPresent) w.u32be(sample_flags(samples.front()));
  for (size_t i = 0; i < samples.size(); ++i) {
    const Fmp4Sample& sample = samples[i];
    const int64_t start = i == 0 ? first_sample_start(track) : sample.dts;
    const int64_t end = i + 1 < samples.size() ? samples[i + 1].dts : sample.dts + sample.duration;
    const int64_t duration = end - start;
    w.u32be(static_cast<uint32_t>(duration));
    w.u32be(track.sizes[i]);
    if (trun_flags & kSampleFlagsPresent) w.u32be(sample_flags(sample));
    if (trun_flags & kSampleCompositionOffsetPresent)
      w.u32be(static_cast<uint32_t>(sample.composition_offset));
  }
}

}  // namespace liverelay::hls
