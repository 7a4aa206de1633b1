// The RTP packets made from one access unit, back to back in one buffer: built once per stream and
// shared by every viewer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace liverelay::rtp {

// One buffer and a table of (offset, size) instead of a vector per packet: a batch that is
// cleared and refilled reaches a steady capacity and then allocates nothing, and handing the
// whole batch to N viewers copies one pointer. Each viewer copies a packet out (it must anyway,
// SRTP encrypts in place) and rewrites the header fields at their fixed offsets (rtp_header.hpp).
class RtpBatch {
 public:
  struct Entry {
    size_t offset = 0;
    size_t size = 0;
  };

  [[nodiscard]] size_t size() const { return entries_.size(); }
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] std::span<const uint8_t> packet(size_t index) const {
    const Entry& entry = entries_.at(index);
    return std::span<const uint8_t>(bytes_).subspan(entry.offset, entry.size);
  }
  [[nodiscard]] std::span<const Entry> entries() const { return entries_; }
  [[nodiscard]] std::span<const uint8_t> bytes() const { return bytes_; }

  // Keeps the capacity: the point of reusing a batch.
  void clear() {
    bytes_.clear();
    entries_.clear();
  }
  // Room for `bytes` and `packets` more, growing geometrically so that a batch filled by many
  // calls still reallocates only a logarithmic number of times.
  void reserve_more(size_t bytes, size_t packets) {
    grow(bytes_, bytes);
    grow(entries_, packets);
  }

  // Adds a packet of `size` bytes at the end and returns it to be filled. The span is valid until
  // the next append; offsets stay valid until clear().
  std::span<uint8_t> append(size_t size) {
    const size_t offset = bytes_.size();
    bytes_.resize(offset + size);
    entries_.push_back(Entry{offset, size});
    return std::span<uint8_t>(bytes_).subspan(offset, size);
  }

  // Keeps the first `count` packets (fewer: no change). Undoes a partly built access unit.
  void truncate(size_t count) {
    if (count >= entries_.size()) return;
    bytes_.resize(entries_[count].offset);
    entries_.resize(count);
  }

 private:
  template <class T>
  static void grow(std::vector<T>& vector, size_t more) {
    const size_t needed = vector.size() + more;
    if (needed > vector.capacity()) vector.reserve(std::max(needed, 2 * vector.capacity()));
  }

  std::vector<uint8_t> bytes_;
  std::vector<Entry> entries_;
};

}  // namespace liverelay::rtp
