// Chunk stream multiplexer (RTMP spec 5.3): messages in, chunks out, with header compression.
#include "protocol/rtmp/chunk_writer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "protocol/core/byte_writer.hpp"

namespace liverelay::rtmp {

namespace {

constexpr uint32_t kMinChunkStreamId = 2;          // 0 and 1 mark the longer basic headers
constexpr uint32_t kMaxChunkStreamId = 65599;      // 5.3.1.1: 3-byte form, 65535 + 64

// 5.3.1.1: ids 2..63 in one byte, 64..319 in two, up to 65599 in three (little-endian).
void write_basic_header(ByteWriter& writer, uint8_t fmt, uint32_t csid) {
  const auto fmt_bits = static_cast<uint8_t>(fmt << 6);
  if (csid < 64) {
    writer.u8(static_cast<uint8_t>(fmt_bits | csid));
  } else if (csid < 320) {
    writer.u8(fmt_bits);
    writer.u8(static_cast<uint8_t>(csid - 64));
  } else {
    writer.u8(static_cast<uint8_t>(fmt_bits | 1));
    writer.u8(static_cast<uint8_t>((csid - 64) & 0xFF));
    writer.u8(static_cast<uint8_t>((csid - 64) >> 8));
  }
}

void check_message(const Message& message) {
  if (message.chunk_stream_id < kMinChunkStreamId || message.chunk_stream_id > kMaxChunkStreamId) {
    throw std::invalid_argument("chunk stream id " + std::to_string(message.chunk_stream_id) +
                                " outside 2..65599");
  }
  if (message.payload.size() > kMaxMessageLength) {
    throw std::invalid_argument("message of " + std::to_string(message.payload.size()) +
                                " bytes over the 24-bit length field");
  }
}

}  // namespace

ChunkWriter::Header ChunkWriter::choose_header(const Previous* previous, const Message& message) {
  // 5.3.1.2.1: a type-0 header on a new chunk stream, a new message stream, or when time goes
  // back (deltas are unsigned).
  if (previous == nullptr || message.message_stream_id != previous->message_stream_id ||
      message.timestamp < previous->timestamp) {
    return {0, message.timestamp};
  }
  const uint32_t delta = message.timestamp - previous->timestamp;
  if (delta >= kExtendedTimestamp) return {0, message.timestamp};  // see the class comment
  const auto length = static_cast<uint32_t>(message.payload.size());
  if (length != previous->length || message.type_id != previous->type_id) return {1, delta};
  if (previous->delta != delta) return {2, delta};  // also right after a type-0 header
  return {3, delta};
}

void ChunkWriter::write(const Message& message, std::vector<uint8_t>& out) {
  check_message(message);
  auto found = previous_.find(message.chunk_stream_id);
  const Header header = choose_header(found == previous_.end() ? nullptr : &found->second, message);
  const bool extended = header.timestamp >= kExtendedTimestamp;
  const auto length = static_cast<uint32_t>(message.payload.size());

  ByteWriter writer(out);
  write_basic_header(writer, header.fmt, message.chunk_stream_id);
  if (header.fmt <= 2) writer.u24be(extended ? kExtendedTimestamp : header.timestamp);
  if (header.fmt <= 1) {
    writer.u24be(length);
    writer.u8(message.type_id);
  }
  if (header.fmt == 0) writer.u32le(message.message_stream_id);  // 5.3.1.2.1: little-endian
  if (extended) writer.u32be(header.timestamp);

  std::span<const uint8_t> rest(message.payload);
  for (bool first = true; first || !rest.empty(); first = false) {
    if (!first) {
      write_basic_header(writer, 3, message.chunk_stream_id);
      if (extended) writer.u32be(header.timestamp);  // repeated, as the reader expects
    }
    const size_t size = std::min<size_t>(chunk_size_, rest.size());
    writer.bytes(rest.first(size));
    rest = rest.subspan(size);
  }

  Previous& previous = previous_[message.chunk_stream_id];
  previous.timestamp = message.timestamp;
  previous.length = length;
  previous.type_id = message.type_id;
  previous.message_stream_id = message.message_stream_id;
  previous.delta = header.fmt == 0 ? std::nullopt : std::optional<uint32_t>(header.timestamp);
}

void ChunkWriter::set_chunk_size(uint32_t size) {
  if (size == 0 || size > kMaxChunkSize) {
    throw std::invalid_argument("chunk size " + std::to_string(size) + " outside 1..2147483647");
  }
  chunk_size_ = size;
}

}  // namespace liverelay::rtmp
