// An RTMP message as the chunk layer delivers it (RTMP spec 6.1), and the message type ids.
#pragma once

#include <cstdint>
#include <vector>

namespace liverelay::rtmp {

// RTMP spec 5.4 (protocol control), 6.2 (user control) and 7.1 (other messages).
enum class MessageType : uint8_t {
  set_chunk_size = 1,
  abort = 2,
  acknowledgement = 3,
  user_control = 4,
  window_ack_size = 5,
  set_peer_bandwidth = 6,
  audio = 8,
  video = 9,
  data_amf3 = 15,
  shared_object_amf3 = 16,
  command_amf3 = 17,
  data_amf0 = 18,
  shared_object_amf0 = 19,
  command_amf0 = 20,
  aggregate = 22,
};

// RTMP spec 5.3.1.3: a timestamp field of 0xFFFFFF says the 32-bit extended timestamp follows.
inline constexpr uint32_t kExtendedTimestamp = 0xFFFFFF;
// RTMP spec 5.4.1: a chunk size has 31 bits (the top one is 0).
inline constexpr uint32_t kMaxChunkSize = 0x7FFFFFFF;
// RTMP spec 5.3.1.2.1: a message's length is a 24-bit field.
inline constexpr uint32_t kMaxMessageLength = 0xFFFFFF;

// Chunk stream ids used by convention for what we send (as nginx-rtmp and SRS do).
inline constexpr uint32_t kControlChunkStream = 2;
inline constexpr uint32_t kCommandChunkStream = 3;
inline constexpr uint32_t kAudioChunkStream = 4;
inline constexpr uint32_t kVideoChunkStream = 6;
inline constexpr uint32_t kDataChunkStream = 5;

struct Message {
  uint32_t chunk_stream_id = 0;
  uint8_t type_id = 0;
  uint32_t message_stream_id = 0;
  uint32_t timestamp = 0;  // absolute, modulo 2^32 (deltas already accumulated)
  std::vector<uint8_t> payload;

  [[nodiscard]] MessageType type() const { return static_cast<MessageType>(type_id); }
};

}  // namespace liverelay::rtmp
