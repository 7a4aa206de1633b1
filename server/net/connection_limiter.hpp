// Caps on TCP connections open at once ([limits]): in total and from one client address. The
// listeners ask it before keeping an accepted socket; the socket holds its slot until it closes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include <tl/expected.hpp>

#include "server/log_budget.hpp"

namespace liverelay {

class ConnectionLimiter;

// One admitted connection's place. Move-only; destroying or resetting it gives the place back.
// An empty slot (default-constructed: no limiter) counts nothing.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  ~ConnectionSlot() { reset(); }
  ConnectionSlot(ConnectionSlot&& other) noexcept;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

  void reset();
  explicit operator bool() const { return limiter_ != nullptr; }

 private:
  friend class ConnectionLimiter;
  ConnectionSlot(ConnectionLimiter* limiter, std::string address)
      : limiter_(limiter), address_(std::move(address)) {}

  ConnectionLimiter* limiter_ = nullptr;
  std::string address_;
};

struct ConnectionLimits {
  size_t max_total = 10'000;
  size_t max_per_address = 2'000;
};

// Must outlive every slot it hands out (App owns it; the servers and their sockets go first).
class ConnectionLimiter {
 public:
  enum class Refusal { total, per_address };

  explicit ConnectionLimiter(ConnectionLimits limits = {}) : limits_(limits) {}
  ConnectionLimiter(const ConnectionLimiter&) = delete;
  ConnectionLimiter& operator=(const ConnectionLimiter&) = delete;

  // A slot for a new connection from `address` (an IP, no port), or why there is none; a
  // refusal is counted and logged (a few lines a minute: a flood must not fill the disk).
  tl::expected<ConnectionSlot, Refusal> admit(const std::string& address);

  [[nodiscard]] size_t open() const { return open_; }
  [[nodiscard]] size_t open_from(const std::string& address) const;
  [[nodiscard]] uint64_t refused(Refusal reason) const {
    return reason == Refusal::total ? refused_total_ : refused_per_address_;
  }

 private:
  static constexpr uint32_t kLogLinesPerMinute = 10;

  friend class ConnectionSlot;
  void release(const std::string& address);
  void log_refusal(const std::string& address, Refusal reason);

  ConnectionLimits limits_;
  size_t open_ = 0;
  std::unordered_map<std::string, size_t> per_address_;  // only addresses with open connections
  uint64_t refused_total_ = 0;
  uint64_t refused_per_address_ = 0;
  LogBudget log_budget_{kLogLinesPerMinute};
  int64_t log_minute_started_ms_ = 0;
};

}  // namespace liverelay
