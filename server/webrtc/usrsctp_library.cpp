// usrsctp's process-wide set-up and the two things it calls back globally: packets out and timers.
#include "server/webrtc/usrsctp_library.hpp"

#include <usrsctp.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

#include "server/logging.hpp"
#include "server/webrtc/sctp_association.hpp"

namespace liverelay::webrtc {

UsrsctpLibrary* UsrsctpLibrary::current_ = nullptr;

namespace {

// usrsctp_finish can fail (an endpoint lingers); then usrsctp stays initialised and the next
// library must not initialise it a second time.
bool usrsctp_initialised = false;

void configure_stack() {
  // Nothing between us and the peer carries ECN bits: the packets travel inside DTLS.
  usrsctp_sysctl_set_sctp_ecn_enable(0);
  // WebRTC peers have one address each (RFC 8831 5): no ASCONF, hence no AUTH that it needs.
  usrsctp_sysctl_set_sctp_asconf_enable(0);
  usrsctp_sysctl_set_sctp_auth_enable(0);
  // Partial reliability (RFC 3758) and stream reconfiguration (RFC 6525) carry data channel
  // reliability options and channel closes (RFC 8831 6.2, 6.7).
  usrsctp_sysctl_set_sctp_pr_enable(1);
  usrsctp_sysctl_set_sctp_reconfig_enable(1);
}

}  // namespace

UsrsctpLibrary::UsrsctpLibrary() {
  if (current_ != nullptr) throw std::logic_error("UsrsctpLibrary: a second instance while one exists");
  current_ = this;
  if (!usrsctp_initialised) {
    usrsctp_init_nothreads(0, &UsrsctpLibrary::on_packet_out, nullptr);
    usrsctp_initialised = true;
  }
  configure_stack();
  running_ = true;
}

UsrsctpLibrary::~UsrsctpLibrary() {
  if (running_) {
    if (auto done = shutdown(); !done)
      logger("sctp")->warn("usrsctp left initialised at exit: {}", done.error().message);
  }
  current_ = nullptr;
}

Result<void> UsrsctpLibrary::shutdown() {
  if (!running_) return {};
  if (!by_id_.empty())
    return fail(Errc::refused,
                "usrsctp shutdown: " + std::to_string(by_id_.size()) + " associations still exist");
  // An endpoint closed while usrsctp held a reference to it is freed by a timer: give those a
  // few turns (no association exists, so advancing the clock harms nothing).
  for (int attempt = 0; attempt < 10; ++attempt) {
    if (usrsctp_finish() == 0) {
      usrsctp_initialised = false;
      running_ = false;
      return {};
    }
    usrsctp_handle_timers(100);
  }
  return fail(Errc::io, "usrsctp shutdown: usrsctp_finish refused, endpoints remain");
}

void UsrsctpLibrary::tick(uint64_t now_ms) {
  if (!last_tick_ms_ || now_ms < *last_tick_ms_) {
    last_tick_ms_ = now_ms;
    return;
  }
  const uint64_t elapsed = now_ms - *last_tick_ms_;
  if (elapsed == 0) return;
  last_tick_ms_ = now_ms;
  usrsctp_handle_timers(
      static_cast<uint32_t>(std::min<uint64_t>(elapsed, std::numeric_limits<uint32_t>::max())));
  // Timers may have sent packets or raised events for any association; each flush can end in a
  // callback that destroys associations, so walk a copy of the ids and look each one up again.
  std::vector<uintptr_t> ids;
  ids.reserve(by_id_.size());
  for (const auto& [id, association] : by_id_) ids.push_back(id);
  for (const uintptr_t id : ids) {
    if (auto* association = find(id)) association->flush();
  }
}

uintptr_t UsrsctpLibrary::attach(SctpAssociation& association) {
  const uintptr_t id = next_id_++;
  by_id_.emplace(id, &association);
  return id;
}

void UsrsctpLibrary::detach(uintptr_t id) {
  by_id_.erase(id);
}

SctpAssociation* UsrsctpLibrary::find(uintptr_t id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

int UsrsctpLibrary::on_packet_out(void* address, void* buffer, size_t length, uint8_t, uint8_t) {
  // Called inside usrsctp: only queue the packet, the association hands it out once usrsctp
  // has returned. A packet for a detached id (an ABORT sent while closing) goes nowhere.
  auto* library = current();
  if (library == nullptr) return 0;
  if (auto* association = library->find(reinterpret_cast<uintptr_t>(address)))
    association->queue_packet_out({static_cast<const uint8_t*>(buffer), length});
  return 0;
}

}  // namespace liverelay::webrtc
