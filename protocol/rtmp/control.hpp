// Protocol control (RTMP spec 5.4) and user control (6.2) messages: builders and parsers.
#pragma once

#include <cstdint>
#include <span>

#include "protocol/core/error.hpp"
#include "protocol/rtmp/message.hpp"

namespace liverelay::rtmp {

enum class UserControlEvent : uint16_t {
  stream_begin = 0,
  stream_eof = 1,
  stream_dry = 2,
  set_buffer_length = 3,
  stream_is_recorded = 4,
  ping_request = 6,
  ping_response = 7,
};

enum class PeerBandwidthLimit : uint8_t { hard = 0, soft = 1, dynamic = 2 };

struct UserControl {
  UserControlEvent event;
  uint32_t value = 0;  // stream id or ping timestamp
  uint32_t extra = 0;  // buffer length (ms) for set_buffer_length
};

// Every builder returns a message for chunk stream 2, message stream 0, timestamp 0 (5.4, 6.2).
// make_set_chunk_size throws std::invalid_argument outside 1..0x7FFFFFFF.
Message make_set_chunk_size(uint32_t size);
Message make_abort(uint32_t chunk_stream_id);
Message make_acknowledgement(uint32_t sequence_number);
Message make_window_ack_size(uint32_t size);
Message make_set_peer_bandwidth(uint32_t size, PeerBandwidthLimit limit);
Message make_user_control(const UserControl& control);

// The 4-byte big-endian value of Set Chunk Size, Abort, Acknowledgement, Window Ack Size, and
// the first field of Set Peer Bandwidth. Set Chunk Size's top bit must be 0 (5.4.1): ChunkReader
// checks that (and that it is not 0) before it delivers the message, as an Acknowledgement's
// sequence number may use all 32 bits. Fails (malformed) on fewer than 4 bytes.
Result<uint32_t> parse_u32_control(std::span<const uint8_t> payload);
// Fails (malformed) when the payload is shorter than its event needs, (unsupported) for events
// other than those above, such as FMS's BufferEmpty (31) or SWF verification (26): callers may
// ignore those.
Result<UserControl> parse_user_control(std::span<const uint8_t> payload);

}  // namespace liverelay::rtmp
