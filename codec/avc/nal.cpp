// H.264 NAL unit helpers: AVCC splitting and emulation prevention removal.
#include "codec/avc/nal.hpp"

#include <algorithm>
#include <string>

#include "protocol/core/byte_reader.hpp"

namespace liverelay::avc {

Result<std::vector<NalUnit>> split_avcc(std::span<const uint8_t> payload, int length_size) {
  if (length_size < 1 || length_size > 4) {
    return fail(Errc::malformed, "avcc: NAL length size " + std::to_string(length_size));
  }
  std::vector<NalUnit> units;
  ByteReader reader(payload);
  while (!reader.empty()) {
    auto prefix = reader.bytes(static_cast<size_t>(length_size));
    if (!prefix) return fail(Errc::truncated, "avcc: truncated NAL length prefix");
    size_t length = 0;
    for (uint8_t b : *prefix) length = (length << 8) | b;
    if (length == 0) return fail(Errc::malformed, "avcc: zero-length NAL unit");
    auto body = reader.bytes(length);
    if (!body) {
      return fail(Errc::truncated, "avcc: NAL unit of " + std::to_string(length) + " bytes with " +
                                       std::to_string(reader.remaining()) + " left");
    }
    units.push_back(NalUnit{nal_type((*body)[0]), *body});
  }
  return units;
}

bool contains_idr(std::span<const NalUnit> units) {
  return std::any_of(units.begin(), units.end(),
                     [](const NalUnit& unit) { return unit.type == static_cast<uint8_t>(NalType::idr); });
}

std::vector<uint8_t> remove_emulation_prevention(std::span<const uint8_t> nal) {
  std::vector<uint8_t> rbsp;
  rbsp.reserve(nal.size());
  int zeros = 0;
  for (uint8_t byte : nal) {
    if (zeros >= 2 && byte == 0x03) {
      zeros = 0;
      continue;
    }
    zeros = byte == 0 ? zeros + 1 : 0;
    rbsp.push_back(byte);
  }
  return rbsp;
}

}  // namespace liverelay::avc
