// Relays: the registry of pushes and pulls and the on-demand policy of pulls.
#include "server/relay/relays.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "server/logging.hpp"

namespace liverelay {

Result<void> Relays::configure(const std::vector<PushConfig>& pushes, const std::vector<PullConfig>& pulls) {
  // Every push URL is checked before any pull starts; pushes are added once the pulls are in.
  std::vector<Push> parsed_pushes;
  for (const auto& push : pushes) {
    auto url = rtmp::parse_url(push.url);
    if (!url) return fail(url.error().code, fmt::format("push of {}: {}", push.stream, url.error().message));
    parsed_pushes.push_back(Push{push.stream, 0, std::move(*url), {}});
  }
  for (const auto& pull : pulls) {
    auto url = rtmp::parse_url(pull.url);
    if (!url) return fail(url.error().code, fmt::format("pull of {}: {}", pull.stream, url.error().message));
    if (pulls_.contains(pull.stream)) return fail(Errc::malformed, fmt::format("{} is pulled twice", pull.stream));
    Pull entry;
    entry.relay = std::make_unique<PullRelay>(loop_, streams_, pull.stream, std::move(*url), pull.on_demand);
    entry.idle_ms = static_cast<int64_t>(pull.idle_s * 1000.0);
    if (!pull.on_demand) entry.relay->want();
    pulls_.emplace(pull.stream, std::move(entry));
  }
  for (auto& push : parsed_pushes) {
    push.id = next_push_id_++;
    pushes_.push_back(std::move(push));
  }
  attach_pushes();
  return {};
}

Result<uint64_t> Relays::add_push(const std::string& stream, const std::string& url) {
  auto parsed = rtmp::parse_url(url);
  if (!parsed) return tl::unexpected(parsed.error());
  pushes_.push_back(Push{stream, next_push_id_++, std::move(*parsed), {}});
  attach_pushes();
  return pushes_.back().id;
}

bool Relays::remove_push(const std::string& stream, uint64_t id) {
  return std::erase_if(pushes_, [&](const Push& push) { return push.stream == stream && push.id == id; }) > 0;
}

void Relays::note_demand(const std::string& stream, int64_t now_ms) {
  auto found = pulls_.find(stream);
  if (found == pulls_.end()) return;
  found->second.last_demand_ms = now_ms;
  found->second.relay->want();
}

void Relays::tick(int64_t now_ms) {
  attach_pushes();
  for (auto& [name, pull] : pulls_) {
    if (!pull.relay->on_demand() || !pull.relay->wanted()) continue;
    if (viewers_(name) > 0) {
      pull.last_demand_ms = now_ms;
    } else if (now_ms - pull.last_demand_ms >= pull.idle_ms) {
      pull.relay->release();
    }
  }
}

void Relays::stop() {
  for (auto& push : pushes_) push.relay.reset();
  for (auto& [name, pull] : pulls_) pull.relay->release();
}

std::vector<PushStatus> Relays::pushes(const std::string& stream) const {
  std::vector<PushStatus> out;
  for (const auto& push : pushes_) {
    if (push.stream != stream) continue;
    if (push.relay) {
      out.push_back(push.relay->status());
    } else {
      PushStatus idle;
      idle.id = push.id;
      idle.target = push.url.redacted();
      idle.state = "idle";
      out.push_back(std::move(idle));
    }
  }
  return out;
}

const PullRelay* Relays::pull(const std::string& stream) const {
  auto found = pulls_.find(stream);
  return found == pulls_.end() ? nullptr : found->second.relay.get();
}

void Relays::attach_pushes() {
  // In open mode a stream exists from its first publish on: a push waits for it.
  for (auto& push : pushes_) {
    if (push.relay) continue;
    if (Stream* stream = streams_.find(push.stream)) {
      logger("relay")->debug("{}: push {} attached", push.stream, push.id);
      push.relay = std::make_unique<PushRelay>(loop_, *stream, push.id, push.url);
    }
  }
}

}  // namespace liverelay
