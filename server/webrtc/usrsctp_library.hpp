// The process-wide usrsctp stack in its thread-less mode: one init for the process, the single
// packet-out callback that finds the association by id, and the timer clock the loop drives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "protocol/core/error.hpp"

namespace liverelay::webrtc {

class SctpAssociation;

// usrsctp keeps global state (one output callback, one timer wheel, one address list), so at most
// one UsrsctpLibrary exists at a time: the server owns it for its lifetime, each test its own.
// Everything here and in SctpAssociation runs on the loop thread. usrsctp_init_nothreads (0.9.5)
// starts no timer or receive thread: timers run only inside tick(), and every usrsctp callback
// comes on the thread that called into usrsctp. It still starts its "SCTP iterator" thread,
// which serves only address changes (ASCONF) and SCTP_SENDALL, neither of which we use.
class UsrsctpLibrary {
 public:
  // How often tick() should run while associations exist: usrsctp's own timer thread uses 10 ms.
  static constexpr uint32_t kTimerIntervalMs = 10;

  // Initialises usrsctp. Throws std::logic_error if another instance exists (a programming error).
  UsrsctpLibrary();
  // All associations must be gone; calls shutdown() if the owner did not.
  ~UsrsctpLibrary();
  UsrsctpLibrary(const UsrsctpLibrary&) = delete;
  UsrsctpLibrary& operator=(const UsrsctpLibrary&) = delete;

  // Advances usrsctp's timers (retransmissions, delayed SACKs, heartbeats) to `now_ms` on the
  // caller's monotonic clock, then hands out what they sent. The first call only sets the origin.
  void tick(uint64_t now_ms);

  [[nodiscard]] size_t associations() const { return by_id_.size(); }

  // Frees usrsctp (usrsctp_finish). Fails while an association or a socket it left behind
  // lingers: a success proves every endpoint was freed.
  Result<void> shutdown();

 private:
  friend class SctpAssociation;

  // Gives an association its id: the AF_CONN address usrsctp calls back with. Ids are never
  // reused, so a callback for a destroyed association finds nothing instead of a new one.
  uintptr_t attach(SctpAssociation& association);
  void detach(uintptr_t id);
  [[nodiscard]] SctpAssociation* find(uintptr_t id) const;
  [[nodiscard]] static UsrsctpLibrary* current() { return current_; }

  static int on_packet_out(void* address, void* buffer, size_t length, uint8_t tos, uint8_t set_df);

  static UsrsctpLibrary* current_;
  bool running_ = false;
  std::unordered_map<uintptr_t, SctpAssociation*> by_id_;
  uintptr_t next_id_ = 1;
  std::optional<uint64_t> last_tick_ms_;
};

}  // namespace liverelay::webrtc
