// avcc_to_annexb: parameter sets first on keyframes, then the access unit's own NAL units.
#include "codec/avc/annexb.hpp"

#include "codec/avc/nal.hpp"

namespace liverelay::avc {
namespace {

constexpr uint8_t kStartCode[] = {0, 0, 0, 1};

void append_nal(std::vector<uint8_t>& out, std::span<const uint8_t> nal) {
  out.insert(out.end(), std::begin(kStartCode), std::end(kStartCode));
  out.insert(out.end(), nal.begin(), nal.end());
}

}  // namespace

Result<std::vector<uint8_t>> avcc_to_annexb(std::span<const uint8_t> access_unit, const DecoderConfig& config,
                                            bool keyframe) {
  auto units = split_avcc(access_unit, config.length_size);
  if (!units) return tl::unexpected(std::move(units.error()).context("annex b"));
  std::vector<uint8_t> out;
  out.reserve(access_unit.size() + 64 + (keyframe ? 256 : 0));
  size_t first = 0;
  // An access unit delimiter, when the encoder sent one, must stay first (H.264 7.4.1.2.3).
  if (!units->empty() && (*units)[0].type == static_cast<uint8_t>(NalType::access_unit_delimiter)) {
    append_nal(out, (*units)[0].bytes);
    first = 1;
  }
  if (keyframe) {
    for (const auto& sps : config.sps) append_nal(out, sps);
    for (const auto& pps : config.pps) append_nal(out, pps);
  }
  for (size_t i = first; i < units->size(); ++i) append_nal(out, (*units)[i].bytes);
  return out;
}

}  // namespace liverelay::avc
