// ConnectionLimiter: counts per address and in total, refusal counters and their log lines.
#include "server/net/connection_limiter.hpp"

#include <optional>

#include "server/clock.hpp"
#include "server/logging.hpp"

namespace liverelay {

ConnectionSlot::ConnectionSlot(ConnectionSlot&& other) noexcept
    : limiter_(other.limiter_), address_(std::move(other.address_)) {
  other.limiter_ = nullptr;
}

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    reset();
    limiter_ = other.limiter_;
    address_ = std::move(other.address_);
    other.limiter_ = nullptr;
  }
  return *this;
}

void ConnectionSlot::reset() {
  if (limiter_ == nullptr) return;
  limiter_->release(address_);
  limiter_ = nullptr;
}

tl::expected<ConnectionSlot, ConnectionLimiter::Refusal> ConnectionLimiter::admit(
    const std::string& address) {
  std::optional<Refusal> refusal;
  if (open_ >= limits_.max_total) {
    refusal = Refusal::total;
  } else if (open_from(address) >= limits_.max_per_address) {
    refusal = Refusal::per_address;
  }
  if (refusal) {
    ++(*refusal == Refusal::total ? refused_total_ : refused_per_address_);
    log_refusal(address, *refusal);
    return tl::unexpected(*refusal);
  }
  ++open_;
  ++per_address_[address];
  return ConnectionSlot(this, address);
}

size_t ConnectionLimiter::open_from(const std::string& address) const {
  const auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

void ConnectionLimiter::release(const std::string& address) {
  --open_;
  const auto it = per_address_.find(address);
  if (--it->second == 0) per_address_.erase(it);  // the map holds only who is connected now
}

void ConnectionLimiter::log_refusal(const std::string& address, Refusal reason) {
  const int64_t now = steady_ms();
  if (now - log_minute_started_ms_ >= 60'000) {
    log_minute_started_ms_ = now;
    log_budget_ = LogBudget(kLogLinesPerMinute);
  }
  switch (log_budget_.spend()) {
    case LogBudget::Verdict::write:
      if (reason == Refusal::total) {
        logger("server")->warn("connection from {} refused: {} connections open ([limits] max_connections)",
                               address, open_);
      } else {
        logger("server")->warn(
            "connection from {} refused: {} connections open from it "
            "([limits] max_connections_per_address)",
            address, open_from(address));
      }
      return;
    case LogBudget::Verdict::last_word:
      logger("server")->warn(
          "more connections refused this minute, not logged: see connections.refused in "
          "/api/v1/server");
      return;
    case LogBudget::Verdict::silent:
      return;
  }
}

}  // namespace liverelay
