// Test helper: FLV tag bodies assembled from header bytes, FourCCs and payloads.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "codec/media_packet.hpp"

namespace liverelay::testing {

// Header bytes, then an optional FourCC, then more bytes, then a payload.
inline std::vector<uint8_t> tag_bytes(std::initializer_list<uint8_t> head, std::string_view fourcc,
                                      std::initializer_list<uint8_t> middle,
                                      std::span<const uint8_t> payload = {}) {
  std::vector<uint8_t> tag(head);
  tag.insert(tag.end(), fourcc.begin(), fourcc.end());
  tag.insert(tag.end(), middle.begin(), middle.end());
  tag.insert(tag.end(), payload.begin(), payload.end());
  return tag;
}

inline media::SharedBuffer shared(std::vector<uint8_t> bytes) {
  return std::make_shared<const media::Buffer>(std::move(bytes));
}

inline media::SharedBuffer shared_prefix(std::span<const uint8_t> bytes, size_t length) {
  return shared(std::vector<uint8_t>(bytes.begin(), bytes.begin() + static_cast<long>(length)));
}

}  // namespace liverelay::testing
