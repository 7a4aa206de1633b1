// ServerSession: media for a play stream, chunked without copying the shared payload, and the
// output as pieces for a gathered write.
#include <algorithm>
#include <stdexcept>

#include "protocol/core/byte_writer.hpp"
#include "protocol/rtmp/server_session.hpp"

namespace liverelay::rtmp {
namespace {

// Our media chunk streams, all below 64: one-byte basic headers (5.3.1.1).
int media_slot(MessageType type) {
  switch (type) {
    case MessageType::audio:
      return 0;
    case MessageType::data_amf0:
      return 1;
    case MessageType::video:
      return 2;
    default:
      throw std::invalid_argument("write_media: not an audio, video or AMF0 data message");
  }
}

constexpr uint32_t kMediaChunkStreams[3] = {kAudioChunkStream, kDataChunkStream, kVideoChunkStream};

// Where one chunk's header and payload slice lie: header bytes in the message's header buffer,
// payload bytes in the shared payload.
struct ChunkPiece {
  size_t header_begin;
  size_t header_end;
  size_t payload_begin;
  size_t payload_end;
};

}  // namespace

bool ServerSession::write_media(uint32_t stream_id, MessageType type, uint32_t timestamp,
                                SharedBytes payload) {
  if ((type == MessageType::audio && !receive_audio_) || (type == MessageType::video && !receive_video_)) {
    return false;
  }
  if (!payload) throw std::invalid_argument("write_media: no payload");
  if (payload->size() > kMaxMessageLength) throw std::invalid_argument("write_media: payload over 16 MiB");
  const int slot = media_slot(type);
  const uint32_t csid = kMediaChunkStreams[slot];
  MediaChunkStream& previous = media_streams_[slot];
  // 5.3.1.2.2: a type-1 header carries the delta, length and type and keeps the message stream;
  // type 0 where a delta cannot say it (first message, other stream, time going back, or a
  // delta in the extended field, which SRS would read as absolute).
  const bool delta_ok = previous.used && previous.message_stream_id == stream_id &&
                        timestamp >= previous.timestamp &&
                        timestamp - previous.timestamp < kExtendedTimestamp;
  const uint8_t fmt = delta_ok ? 1 : 0;
  const uint32_t field = delta_ok ? timestamp - previous.timestamp : timestamp;
  const bool extended = field >= kExtendedTimestamp;
  previous = {timestamp, stream_id, true};

  auto headers = std::make_shared<std::vector<uint8_t>>();
  ByteWriter writer(*headers);
  std::vector<ChunkPiece> pieces;
  const size_t size = payload->size();
  const size_t chunk_size = writer_.chunk_size();
  for (size_t at = 0; at < size || at == 0; at += chunk_size) {
    const size_t header_begin = headers->size();
    if (at == 0) {
      writer.u8(static_cast<uint8_t>((fmt << 6) | csid));
      writer.u24be(extended ? kExtendedTimestamp : field);
      writer.u24be(static_cast<uint32_t>(size));
      writer.u8(static_cast<uint8_t>(type));
      if (fmt == 0) writer.u32le(stream_id);  // 5.3.1.2.1: little-endian
    } else {
      writer.u8(static_cast<uint8_t>(0xC0 | csid));  // type 3: a continuation
    }
    if (extended) writer.u32be(field);  // repeated on continuations, as FFmpeg and librtmp expect
    pieces.push_back({header_begin, headers->size(), at, std::min(size, at + chunk_size)});
    if (size == 0) break;
  }

  seal_output();
  for (const ChunkPiece& piece : pieces) {
    parts_.push_back({std::span<const uint8_t>(*headers).subspan(piece.header_begin,
                                                                 piece.header_end - piece.header_begin),
                      headers});
    if (piece.payload_end > piece.payload_begin) {
      parts_.push_back({std::span<const uint8_t>(*payload).subspan(piece.payload_begin,
                                                                   piece.payload_end - piece.payload_begin),
                        payload});
    }
  }
  return true;
}

void ServerSession::seal_output() {
  if (output_.empty()) return;
  auto sealed = std::make_shared<const std::vector<uint8_t>>(std::move(output_));
  output_.clear();
  parts_.push_back({std::span<const uint8_t>(*sealed), sealed});
}

std::vector<OutputPart> ServerSession::take_output_parts() {
  seal_output();
  std::vector<OutputPart> out;
  out.swap(parts_);
  return out;
}

std::vector<uint8_t> ServerSession::take_output() {
  if (parts_.empty()) {
    std::vector<uint8_t> out;
    out.swap(output_);
    return out;
  }
  std::vector<uint8_t> out;
  for (const OutputPart& part : take_output_parts())
    out.insert(out.end(), part.bytes.begin(), part.bytes.end());
  return out;
}

}  // namespace liverelay::rtmp
