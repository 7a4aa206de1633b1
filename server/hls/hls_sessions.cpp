// HlsSessions: last-seen times per (stream, client, user agent).
#include "server/hls/hls_sessions.hpp"

namespace liverelay {

namespace {
// Bounds the map against a flood of distinct user agents from one host.
constexpr size_t kMaxSessions = 100'000;
constexpr size_t kMaxUserAgent = 256;
}  // namespace

void HlsSessions::on_playlist_request(const std::string& stream, const std::string& peer,
                                      const std::string& user_agent, int64_t now_ms) {
  if (last_seen_.size() >= kMaxSessions) expire(now_ms);
  if (last_seen_.size() >= kMaxSessions) return;
  last_seen_[Key{stream, peer, user_agent.substr(0, kMaxUserAgent)}] = now_ms;
}

size_t HlsSessions::count(const std::string& stream, int64_t now_ms) const {
  size_t n = 0;
  for (auto it = last_seen_.lower_bound(Key{stream, "", ""}); it != last_seen_.end(); ++it) {
    if (std::get<0>(it->first) != stream) break;
    if (now_ms - it->second < expiry_ms_) ++n;
  }
  return n;
}

void HlsSessions::expire(int64_t now_ms) {
  std::erase_if(last_seen_, [&](const auto& entry) { return now_ms - entry.second >= expiry_ms_; });
}

}  // namespace liverelay
