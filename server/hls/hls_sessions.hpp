// HLS playback sessions: players that only poll playlists (VLC, Safari, ffplay) count as
// viewers while they keep polling. A session is a client address plus its User-Agent.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace liverelay {

class HlsSessions {
 public:
  // A session expires this long after its last playlist request.
  explicit HlsSessions(int64_t expiry_ms = 15'000) : expiry_ms_(expiry_ms) {}

  void on_playlist_request(const std::string& stream, const std::string& peer, const std::string& user_agent,
                           int64_t now_ms);
  [[nodiscard]] size_t count(const std::string& stream, int64_t now_ms) const;
  // Live sessions of `stream` for which `skip(peer, user_agent)` is false (a page that also
  // holds a WebSocket in the room is one viewer, not two).
  template <class Skip>
  [[nodiscard]] size_t count_except(const std::string& stream, int64_t now_ms, Skip skip) const {
    size_t n = 0;
    for (auto it = last_seen_.lower_bound(Key{stream, "", ""}); it != last_seen_.end(); ++it) {
      if (std::get<0>(it->first) != stream) break;
      if (now_ms - it->second < expiry_ms_ && !skip(std::get<1>(it->first), std::get<2>(it->first))) ++n;
    }
    return n;
  }
  // Forgets expired sessions (housekeeping; counts are right without it).
  void expire(int64_t now_ms);

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // stream, peer, user agent
  int64_t expiry_ms_;
  std::map<Key, int64_t> last_seen_;
};

}  // namespace liverelay
