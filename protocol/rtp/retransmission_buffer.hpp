// Sent RTP packets kept to answer NACKs (RFC 4585 6.2.1, RFC 4588): one buffer per sending SSRC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "protocol/rtp/rtcp_packets.hpp"
#include "protocol/rtp/sequence_number.hpp"

namespace liverelay::rtp {

// A ring indexed by the unwrapped sequence number, so that lookups are O(1) and a number from
// 65536 packets ago is never mistaken for today's. `Packet` is whatever the caller resends: a
// byte vector in tests, a reference into a shared RtpBatch in the server (copying bytes per
// viewer would defeat sharing). It must be default-constructible and movable.
template <class Packet>
class RetransmissionBuffer {
 public:
  struct Limits {
    // Packets kept, 1..32768: at most half the sequence space, so that each number requested
    // maps to one packet. 1024 holds about a second of 8 Mbit/s video in 1200-byte packets.
    size_t capacity = 1024;
    // A packet older than this is forgotten: the receiver's jitter buffer has given up on it
    // and resending it costs bandwidth for nothing.
    int64_t max_age_ms = 1000;
    // A packet resent this recently is not resent again (0: always). Browsers repeat a NACK
    // until the packet arrives; about one round trip is the right interval.
    int64_t min_resend_interval_ms = 0;
  };

  // Throws std::invalid_argument for a capacity outside 1..32768.
  explicit RetransmissionBuffer(uint32_t ssrc, Limits limits = {}) : ssrc_(ssrc), limits_(limits) {
    if (limits_.capacity == 0 || limits_.capacity > 0x8000) {
      throw std::invalid_argument("retransmission buffer: capacity " + std::to_string(limits_.capacity) +
                                  " outside 1..32768");
    }
    slots_.resize(limits_.capacity);
  }

  [[nodiscard]] uint32_t ssrc() const { return ssrc_; }
  [[nodiscard]] size_t size() const { return size_; }

  // Keeps a packet just sent with `sequence`. One older than the whole window is not kept.
  void store(uint16_t sequence, int64_t now_ms, Packet packet) {
    // The unwrapper's reference stays at the highest number, against which lookups are made.
    const int64_t index = unwrapper_.peek(sequence);
    if (highest_ && index <= *highest_ - window()) return;
    if (!highest_ || index > *highest_) unwrapper_.unwrap(sequence);
    Slot& slot = slot_for(index);
    if (slot.used) --size_;  // an older packet in the same place, or the same number again
    slot = Slot{true, index, now_ms, kNever, std::move(packet)};
    ++size_;
    if (!highest_ || index > *highest_) highest_ = index;
    if (!oldest_ || index < *oldest_) oldest_ = index;
    expire(now_ms);
  }

  // Appends to `out` the stored packets among `lost`, in the order asked, at most `max_packets`
  // of them; numbers never stored, forgotten or resent too recently are skipped. Returns how many
  // were appended. The pointers stay valid until the next store or expire.
  size_t find(std::span<const uint16_t> lost, int64_t now_ms, size_t max_packets,
              std::vector<const Packet*>& out) {
    size_t found = 0;
    for (uint16_t sequence : lost) {
      if (found == max_packets) break;
      Slot* slot = lookup(unwrapper_.peek(sequence), now_ms);
      if (slot == nullptr) continue;
      if (slot->resent_ms != kNever && now_ms - slot->resent_ms < limits_.min_resend_interval_ms) continue;
      slot->resent_ms = now_ms;
      out.push_back(&slot->packet);
      ++found;
    }
    return found;
  }

  // find() for a NACK about this buffer's SSRC; one about another SSRC finds nothing.
  size_t answer(const GenericNack& nack, int64_t now_ms, size_t max_packets,
                std::vector<const Packet*>& out) {
    if (nack.media_ssrc != ssrc_) return 0;
    return find(nack.lost, now_ms, max_packets, out);
  }

  // Releases packets past max_age_ms or pushed out of the window, oldest first, so that what they
  // hold (a reference to a shared batch) is freed without waiting to be overwritten.
  void expire(int64_t now_ms) {
    if (!highest_) return;
    const int64_t floor = *highest_ - window() + 1;
    if (*oldest_ < floor - window()) {  // a jump past the whole window: one sweep, not a long walk
      for (Slot& slot : slots_) {
        if (slot.used && slot.index < floor) release(slot);
      }
      oldest_ = floor;
    }
    for (; *oldest_ <= *highest_; ++*oldest_) {
      Slot& slot = slot_for(*oldest_);
      if (!slot.used || slot.index != *oldest_) continue;  // never stored, or already reused
      if (*oldest_ >= floor && now_ms - slot.sent_ms <= limits_.max_age_ms) break;
      release(slot);
    }
  }

 private:
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::min();

  struct Slot {
    bool used = false;
    int64_t index = 0;  // unwrapped sequence number
    int64_t sent_ms = 0;
    int64_t resent_ms = kNever;
    Packet packet{};
  };

  [[nodiscard]] int64_t window() const { return static_cast<int64_t>(limits_.capacity); }

  Slot& slot_for(int64_t index) {
    const int64_t position = ((index % window()) + window()) % window();  // unwrapped numbers may be negative
    return slots_[static_cast<size_t>(position)];
  }

  Slot* lookup(int64_t index, int64_t now_ms) {
    if (!highest_ || index > *highest_ || index <= *highest_ - window()) return nullptr;
    Slot& slot = slot_for(index);
    if (!slot.used || slot.index != index || now_ms - slot.sent_ms > limits_.max_age_ms) return nullptr;
    return &slot;
  }

  void release(Slot& slot) {
    slot = Slot{};
    --size_;
  }

  uint32_t ssrc_;
  Limits limits_;
  std::vector<Slot> slots_;
  SequenceUnwrapper unwrapper_;
  std::optional<int64_t> highest_;
  std::optional<int64_t> oldest_;  // no packet below this is held
  size_t size_ = 0;
};

}  // namespace liverelay::rtp
