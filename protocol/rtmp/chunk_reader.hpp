// Chunk stream demultiplexer (RTMP spec 5.3): chunks in, whole messages out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/rtmp/message.hpp"

namespace liverelay::rtmp {

struct ChunkReaderLimits {
  // A message declaring more is an error. The 24-bit length field allows 16 MiB; 8 MiB holds
  // any keyframe a live encoder sends (a 4K intra frame at 50 Mb/s is about 2 MB).
  uint32_t max_message_size = 8 * 1024 * 1024;
  size_t max_chunk_streams = 64;                 // distinct chunk stream ids with state
  size_t max_queued_messages = 1024;             // completed but not yet taken by next()
};

// Timestamps follow RTMP spec 5.3.1.2: a type-0 header is absolute, types 1 and 2 add their
// delta, and a type-3 header that starts a message adds the last timestamp field again (after a
// type-0 header, that is the type-0 timestamp, as the spec, FFmpeg and librtmp read it).
// Extended timestamps (5.3.1.3): a type-3 chunk that starts a message always carries the field
// when the stream's last type 0/1/2 header did. On a continuation chunk the field is repeated by
// FFmpeg, librtmp, OBS and Flash but omitted by some old encoders, so, as SRS does, the next 4
// bytes are taken as the field only when they equal it, otherwise as payload.
class ChunkReader {
 public:
  explicit ChunkReader(ChunkReaderLimits limits = {});

  // Parses every complete chunk in what it holds plus `in`; keeps a partial chunk for the next
  // call. Set Chunk Size (type 1) and Abort (type 2) take effect at once, mid-buffer, and are
  // also delivered by next(). The same messages come out whether bytes arrive at once or one
  // at a time. After an error the reader is unusable: every later call returns that error.
  Result<void> feed(std::span<const uint8_t> in);

  // The next complete message, in the order its last chunk arrived.
  std::optional<Message> next();

  [[nodiscard]] uint32_t chunk_size() const { return chunk_size_; }
  // Every byte fed so far (handshake excluded): the sequence number for Acknowledgement.
  [[nodiscard]] uint64_t bytes_received() const { return bytes_received_; }

 private:
  // What a chunk stream remembers between chunks: later headers compress against it (5.3.1.2).
  struct ChunkStream {
    uint32_t timestamp = 0;  // of the message being read, or of the last one
    uint32_t delta = 0;      // the last timestamp field: a type-3 header applies it again
    uint32_t length = 0;
    uint8_t type_id = 0;
    uint32_t message_stream_id = 0;
    bool extended = false;         // the last type 0/1/2 header used the extended field
    bool in_message = false;       // the first chunk of a message has arrived, not its last
    std::vector<uint8_t> payload;  // grows as chunks arrive, never reserved from the header
  };
  struct ChunkHeader;

  Result<void> consume(std::span<const uint8_t> in);
  Result<std::optional<ChunkHeader>> take_header(std::span<const uint8_t>& in);
  Result<std::optional<ChunkHeader>> parse_header(std::span<const uint8_t> bytes) const;
  Result<const ChunkStream*> check_header_allowed(uint8_t fmt, uint32_t csid) const;
  Result<void> begin_chunk(const ChunkHeader& header);
  Result<void> start_message(const ChunkHeader& header, ChunkStream& stream) const;
  Result<void> take_payload(std::span<const uint8_t>& in);
  Result<void> complete_message(uint32_t csid, ChunkStream& stream);
  Result<void> apply_control(const Message& message);

  ChunkReaderLimits limits_;
  uint32_t chunk_size_ = 128;
  uint64_t bytes_received_ = 0;
  std::vector<uint8_t> pending_;  // a chunk header split across feeds: at most 18 bytes
  std::vector<uint8_t> held_past_header_;  // pending_ bytes a completed header did not use
  std::unordered_map<uint32_t, ChunkStream> streams_;
  ChunkStream* current_ = nullptr;  // whose chunk payload is being read (map nodes are stable)
  uint32_t current_id_ = 0;
  uint32_t chunk_left_ = 0;  // payload bytes of the current chunk still to come
  std::deque<Message> ready_;
  std::optional<Error> error_;
};

}  // namespace liverelay::rtmp
