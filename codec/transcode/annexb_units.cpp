// split_annexb: start-code scan; append_avcc: 4-byte length prefixes.
#include "codec/transcode/annexb_units.hpp"

namespace liverelay::transcode {
namespace {

// Where the next 0x000001 starts at or after `from`, or stream.size().
size_t find_start_code(std::span<const uint8_t> stream, size_t from) {
  for (size_t i = from; i + 3 <= stream.size(); ++i)
    if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) return i;
  return stream.size();
}

}  // namespace

std::vector<std::span<const uint8_t>> split_annexb(std::span<const uint8_t> stream) {
  std::vector<std::span<const uint8_t>> units;
  size_t at = find_start_code(stream, 0);
  while (at < stream.size()) {
    const size_t begin = at + 3;
    const size_t next = find_start_code(stream, begin);
    size_t end = next;
    while (end > begin && stream[end - 1] == 0) --end;  // trailing_zero_8bits, or a 4-byte code's zero
    if (end > begin) units.push_back(stream.subspan(begin, end - begin));
    at = next;
  }
  return units;
}

void append_avcc(std::vector<uint8_t>& out, std::span<const uint8_t> nal) {
  const auto size = static_cast<uint32_t>(nal.size());
  out.push_back(static_cast<uint8_t>(size >> 24));
  out.push_back(static_cast<uint8_t>(size >> 16));
  out.push_back(static_cast<uint8_t>(size >> 8));
  out.push_back(static_cast<uint8_t>(size));
  out.insert(out.end(), nal.begin(), nal.end());
}

}  // namespace liverelay::transcode
