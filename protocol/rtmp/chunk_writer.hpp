// Chunk stream multiplexer (RTMP spec 5.3): messages in, chunks out, with header compression.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "protocol/rtmp/message.hpp"

namespace liverelay::rtmp {

// Two choices keep the output readable by every peer, at a cost of a few bytes: a type-3 header
// never starts a message right after a type-0 header (nginx-rtmp reads its delta as 0, the spec
// as the type-0 timestamp), and a delta that needs the extended field is sent as a type-0
// header instead (SRS reads an extended field as absolute even in type-1/2 headers).
class ChunkWriter {
 public:
  // Appends `message` as chunks. The header type (0..3) is the smallest that the previous
  // message on the same chunk stream allows; timestamps >= 0xFFFFFF use the extended field,
  // repeated on every type-3 continuation chunk (as FFmpeg, OBS and Flash expect).
  // Throws std::invalid_argument for a chunk stream id outside 2..65599 or a payload over
  // 0xFFFFFF bytes: callers choose both, so either is a programming error.
  void write(const Message& message, std::vector<uint8_t>& out);

  // The caller sends Set Chunk Size with the old size first, then calls this. Throws
  // std::invalid_argument outside 1..0x7FFFFFFF (RTMP spec 5.4.1).
  void set_chunk_size(uint32_t size);
  [[nodiscard]] uint32_t chunk_size() const { return chunk_size_; }

 private:
  // The last message written on a chunk stream: what the next header is compressed against.
  struct Previous {
    uint32_t timestamp = 0;
    uint32_t length = 0;
    uint8_t type_id = 0;
    uint32_t message_stream_id = 0;
    std::optional<uint32_t> delta;  // the last header's delta; none after a type-0 header
  };
  struct Header {
    uint8_t fmt = 0;
    uint32_t timestamp = 0;  // what the header carries: absolute (type 0) or delta
  };

  static Header choose_header(const Previous* previous, const Message& message);

  uint32_t chunk_size_ = 128;
  std::unordered_map<uint32_t, Previous> previous_;
};

}  // namespace liverelay::rtmp
