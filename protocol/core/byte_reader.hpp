// Bounds-checked big-endian reads over a byte span: every read fails instead of over-reading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace liverelay {

class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

  [[nodiscard]] size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] size_t position() const { return pos_; }
  [[nodiscard]] bool empty() const { return remaining() == 0; }
  [[nodiscard]] std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

  std::optional<uint8_t> u8() {
    if (remaining() < 1) return std::nullopt;
    return data_[pos_++];
  }
  std::optional<uint16_t> u16be() { return read_be<uint16_t>(2); }
  std::optional<uint32_t> u24be() { return read_be<uint32_t>(3); }
  std::optional<uint32_t> u32be() { return read_be<uint32_t>(4); }
  std::optional<uint64_t> u64be() { return read_be<uint64_t>(8); }
  std::optional<uint32_t> u32le() {
    if (remaining() < 4) return std::nullopt;
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | data_[pos_ + static_cast<size_t>(i)];
    pos_ += 4;
    return v;
  }
  // A signed 24-bit big-endian value (FLV composition time).
  std::optional<int32_t> s24be() {
    auto v = u24be();
    if (!v) return std::nullopt;
    return (*v & 0x800000u) ? static_cast<int32_t>(*v) - 0x1000000 : static_cast<int32_t>(*v);
  }
  std::optional<std::span<const uint8_t>> bytes(size_t n) {
    if (remaining() < n) return std::nullopt;
    auto out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  bool skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  template <class T>
  std::optional<T> read_be(size_t n) {
    if (remaining() < n) return std::nullopt;
    T v = 0;
    for (size_t i = 0; i < n; ++i) v = static_cast<T>((v << 8) | data_[pos_ + i]);
    pos_ += n;
    return v;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace liverelay
