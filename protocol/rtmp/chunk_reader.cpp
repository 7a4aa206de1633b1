// Chunk stream demultiplexer (RTMP spec 5.3): chunks in, whole messages out.
#include "protocol/rtmp/chunk_reader.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "protocol/core/byte_reader.hpp"
#include "protocol/rtmp/control.hpp"

namespace liverelay::rtmp {

namespace {

// 3-byte basic header + 11-byte type-0 message header + 4-byte extended timestamp.
constexpr size_t kMaxHeaderSize = 18;

std::string chunk_stream(uint32_t csid) {
  return "chunk stream " + std::to_string(csid);
}

struct BasicHeader {
  uint8_t fmt = 0;
  uint32_t csid = 0;
};

// 5.3.1.1: ids 2..63 in one byte; 0 and 1 announce one or two more bytes (little-endian) + 64.
std::optional<BasicHeader> read_basic_header(ByteReader& reader) {
  auto first = reader.u8();
  if (!first) return std::nullopt;
  BasicHeader header{static_cast<uint8_t>(*first >> 6), *first & 0x3Fu};
  if (header.csid == 0) {
    auto low = reader.u8();
    if (!low) return std::nullopt;
    header.csid = 64 + *low;
  } else if (header.csid == 1) {
    auto low = reader.u8();
    auto high = reader.u8();
    if (!low || !high) return std::nullopt;
    header.csid = 64 + *low + 256u * *high;
  }
  return header;
}

enum class Peek { absent, present, need_more };

// Whether the next bytes repeat `value` as an extended timestamp. Decides on the first byte that
// differs, so a continuation chunk without the field is recognised before its payload ends.
Peek peek_extended(ByteReader reader, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    auto byte = reader.u8();
    if (!byte) return Peek::need_more;
    if (*byte != static_cast<uint8_t>(value >> shift)) return Peek::absent;
  }
  return Peek::present;
}

}  // namespace

struct ChunkReader::ChunkHeader {
  uint8_t fmt = 0;
  uint32_t csid = 0;
  uint32_t timestamp = 0;  // timestamp (type 0) or delta, the extended value when there is one
  uint32_t length = 0;
  uint8_t type_id = 0;
  uint32_t message_stream_id = 0;
  bool extended = false;  // an extended timestamp field was read
  size_t size = 0;        // header bytes, basic header included
};

ChunkReader::ChunkReader(ChunkReaderLimits limits) : limits_(limits) {}

Result<void> ChunkReader::feed(std::span<const uint8_t> in) {
  if (error_) return tl::unexpected(*error_);
  bytes_received_ += in.size();
  auto result = consume(in);
  if (!result) error_ = result.error();
  return result;
}

std::optional<Message> ChunkReader::next() {
  if (ready_.empty()) return std::nullopt;
  Message message = std::move(ready_.front());
  ready_.pop_front();
  return message;
}

Result<void> ChunkReader::consume(std::span<const uint8_t> in) {
  while (!in.empty()) {
    if (chunk_left_ > 0) {
      if (auto taken = take_payload(in); !taken) return taken;
      continue;
    }
    auto header = take_header(in);
    if (!header) return tl::unexpected(std::move(header.error()));
    if (!*header) return {};  // the rest of the header has not arrived yet
    if (auto begun = begin_chunk(**header); !begun) return begun;
    if (!held_past_header_.empty()) {
      // Bytes held with a cut header that turned out to follow it: they come before `in`.
      // Consuming them cannot hold bytes past a header again (only completing a held one can).
      const std::vector<uint8_t> earlier = std::exchange(held_past_header_, {});
      if (auto consumed = consume(earlier); !consumed) return consumed;
    }
  }
  return {};
}

// Headers are parsed from `in` directly; only a header cut by the end of a feed is copied to
// pending_, and completed from the next feed.
Result<std::optional<ChunkReader::ChunkHeader>> ChunkReader::take_header(std::span<const uint8_t>& in) {
  if (pending_.empty()) {
    auto header = parse_header(in);
    if (header && !*header) {
      pending_.assign(in.begin(), in.end());  // shorter than kMaxHeaderSize, or it would parse
      in = {};
    } else if (header) {
      in = in.subspan((*header)->size);
    }
    return header;
  }
  const size_t held = pending_.size();
  const size_t added = std::min(kMaxHeaderSize - held, in.size());
  pending_.insert(pending_.end(), in.begin(), in.begin() + static_cast<ptrdiff_t>(added));
  auto header = parse_header(pending_);
  if (header && !*header) {
    in = in.subspan(added);
  } else if (header) {
    // A type-3 header whose extended timestamp field may or may not be there is decided by the
    // first byte that differs from the field (peek_extended): it can end inside the held bytes.
    const size_t size = (*header)->size;
    if (size >= held) {
      in = in.subspan(size - held);
    } else {
      held_past_header_.assign(pending_.begin() + static_cast<ptrdiff_t>(size),
                               pending_.begin() + static_cast<ptrdiff_t>(held));
    }
    pending_.clear();
  }
  return header;
}

// Parses one chunk header (5.3.1) at the start of `bytes`, or returns nullopt when it is cut.
Result<std::optional<ChunkReader::ChunkHeader>> ChunkReader::parse_header(
    std::span<const uint8_t> bytes) const {
  ByteReader reader(bytes);
  auto basic = read_basic_header(reader);
  if (!basic) return std::nullopt;
  auto stream = check_header_allowed(basic->fmt, basic->csid);
  if (!stream) return tl::unexpected(std::move(stream.error()));

  ChunkHeader header{.fmt = basic->fmt, .csid = basic->csid};
  if (header.fmt <= 2) {
    auto timestamp = reader.u24be();
    if (!timestamp) return std::nullopt;
    header.timestamp = *timestamp;
    header.extended = *timestamp == kExtendedTimestamp;
  } else {
    header.timestamp = (*stream)->delta;
  }
  if (header.fmt <= 1) {
    auto length = reader.u24be();
    auto type_id = reader.u8();
    if (!length || !type_id) return std::nullopt;
    header.length = *length;
    header.type_id = *type_id;
  }
  if (header.fmt == 0) {
    auto stream_id = reader.u32le();  // 5.3.1.2.1: the one little-endian field
    if (!stream_id) return std::nullopt;
    header.message_stream_id = *stream_id;
  }
  if (header.fmt == 3 && (*stream)->extended) {
    // A new message must carry the field; a continuation chunk may leave it out (see header).
    const bool starts_message = !(*stream)->in_message;
    const Peek peek = starts_message ? Peek::present : peek_extended(reader, (*stream)->delta);
    if (peek == Peek::need_more) return std::nullopt;
    header.extended = peek == Peek::present;
  }
  if (header.extended) {
    auto value = reader.u32be();
    if (!value) return std::nullopt;
    header.timestamp = *value;
  }
  header.size = reader.position();
  return header;
}

// The stream a header refers to (nullptr for a new one), if that header may come now.
Result<const ChunkReader::ChunkStream*> ChunkReader::check_header_allowed(uint8_t fmt, uint32_t csid) const {
  auto found = streams_.find(csid);
  if (found == streams_.end()) {
    // Types 2 and 3 inherit a length that was never sent. A type-1 header is complete but for
    // the stream id (0): librtmp opens chunk stream 2 with one for its user control messages.
    if (fmt >= 2) {
      return fail(Errc::malformed, chunk_stream(csid) + ": type-" + std::to_string(fmt) +
                                       " header with no earlier header (RTMP spec 5.3.1.2)");
    }
    if (streams_.size() >= limits_.max_chunk_streams) {
      return fail(Errc::over_limit, chunk_stream(csid) + ": over the limit of " +
                                        std::to_string(limits_.max_chunk_streams) + " chunk streams");
    }
    return nullptr;
  }
  const ChunkStream& stream = found->second;
  if (stream.in_message && fmt != 3) {
    return fail(Errc::malformed, chunk_stream(csid) + ": type-" + std::to_string(fmt) + " header after " +
                                     std::to_string(stream.payload.size()) + " of " +
                                     std::to_string(stream.length) +
                                     " bytes of a message (RTMP spec 5.3.1.2.4: continuations are type 3)");
  }
  return &stream;
}

Result<void> ChunkReader::begin_chunk(const ChunkHeader& header) {
  ChunkStream& stream = streams_[header.csid];
  if (!stream.in_message) {
    if (auto started = start_message(header, stream); !started) return started;
  }
  current_ = &stream;
  current_id_ = header.csid;
  const size_t left = stream.length - stream.payload.size();
  chunk_left_ = static_cast<uint32_t>(std::min<size_t>(chunk_size_, left));
  if (left == 0) return complete_message(header.csid, stream);  // an empty message
  return {};
}

Result<void> ChunkReader::start_message(const ChunkHeader& header, ChunkStream& stream) const {
  if (header.fmt <= 1) {
    if (header.length > limits_.max_message_size) {
      return fail(Errc::over_limit, chunk_stream(header.csid) + ": message length " +
                                        std::to_string(header.length) + " over limit " +
                                        std::to_string(limits_.max_message_size));
    }
    stream.length = header.length;
    stream.type_id = header.type_id;
  }
  if (header.fmt == 0) {
    stream.message_stream_id = header.message_stream_id;
    stream.timestamp = header.timestamp;
  } else {
    stream.timestamp += header.timestamp;  // modulo 2^32, as timestamps wrap (spec 3)
  }
  stream.delta = header.timestamp;
  if (header.fmt <= 2) stream.extended = header.extended;
  stream.in_message = true;
  return {};
}

Result<void> ChunkReader::take_payload(std::span<const uint8_t>& in) {
  const size_t taken = std::min<size_t>(chunk_left_, in.size());
  current_->payload.insert(current_->payload.end(), in.begin(), in.begin() + static_cast<ptrdiff_t>(taken));
  in = in.subspan(taken);
  chunk_left_ -= static_cast<uint32_t>(taken);
  if (chunk_left_ == 0 && current_->payload.size() == current_->length) {
    return complete_message(current_id_, *current_);
  }
  return {};
}

Result<void> ChunkReader::complete_message(uint32_t csid, ChunkStream& stream) {
  Message message;
  message.chunk_stream_id = csid;
  message.type_id = stream.type_id;
  message.message_stream_id = stream.message_stream_id;
  message.timestamp = stream.timestamp;
  message.payload = std::exchange(stream.payload, {});
  stream.in_message = false;
  current_ = nullptr;
  if (auto applied = apply_control(message); !applied) return applied;
  if (ready_.size() >= limits_.max_queued_messages) {
    return fail(Errc::over_limit, "over the limit of " + std::to_string(limits_.max_queued_messages) +
                                      " messages waiting for next()");
  }
  ready_.push_back(std::move(message));
  return {};
}

// Set Chunk Size and Abort change how the very next chunk is read, so they act here rather than
// wait for the caller (5.4.1, 5.4.2), whatever chunk stream or message stream carried them.
Result<void> ChunkReader::apply_control(const Message& message) {
  if (message.type() == MessageType::set_chunk_size) {
    auto size = parse_u32_control(message.payload);
    if (!size) return tl::unexpected(std::move(size.error()).context("set chunk size"));
    if (*size == 0 || *size > kMaxChunkSize) {
      return fail(Errc::malformed,
                  "set chunk size " + std::to_string(*size) + " outside 1..2147483647 (RTMP spec 5.4.1)");
    }
    chunk_size_ = *size;
  } else if (message.type() == MessageType::abort) {
    auto csid = parse_u32_control(message.payload);
    if (!csid) return tl::unexpected(std::move(csid.error()).context("abort"));
    if (auto found = streams_.find(*csid); found != streams_.end()) {
      found->second.payload = std::vector<uint8_t>();  // frees what the partial message held
      found->second.in_message = false;
    }
  }
  return {};
}

}  // namespace liverelay::rtmp
