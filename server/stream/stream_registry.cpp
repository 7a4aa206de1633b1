// StreamRegistry: name -> Stream, enforcing a single publisher per name.
#include "server/stream/stream_registry.hpp"

#include "server/logging.hpp"

namespace liverelay {

StreamRegistry::StreamRegistry(StreamOptions options, const std::vector<std::string>& configured_names)
    : options_(options) {
  for (const auto& name : configured_names) streams_.emplace(name, std::make_unique<Stream>(name, options_));
}

Stream* StreamRegistry::begin_broadcast(const std::string& name, PublisherInfo publisher) {
  auto [it, inserted] = streams_.try_emplace(name, nullptr);
  if (inserted) {
    it->second = std::make_unique<Stream>(name, options_);
    it->second->set_broadcast_observer(observer_);
  }
  Stream& stream = *it->second;
  if (stream.live()) return nullptr;
  logger("stream")->info("{}: live, publisher {} (connection {})", name, publisher.address,
                         publisher.connection_id);
  stream.begin_broadcast(std::move(publisher));
  return &stream;
}

void StreamRegistry::end_broadcast(Stream& stream) {
  if (!stream.live()) return;
  logger("stream")->info("{}: offline after {:.1f} s, {} frames", stream.name(), stream.uptime_s(),
                         stream.ingest().frames());
  stream.end_broadcast();
}

Stream* StreamRegistry::find(const std::string& name) {
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : it->second.get();
}

std::vector<const Stream*> StreamRegistry::all() const {
  std::vector<const Stream*> out;
  for (const auto& [name, stream] : streams_) out.push_back(stream.get());
  return out;
}

void StreamRegistry::tick(int64_t now_ms) {
  for (auto& [name, stream] : streams_) stream->tick(now_ms);
}

void StreamRegistry::set_broadcast_observer(BroadcastObserver* observer) {
  observer_ = observer;
  for (auto& [name, stream] : streams_) stream->set_broadcast_observer(observer);
}

void StreamRegistry::end_all_now() {
  for (auto& [name, stream] : streams_) stream->end_now();
}

size_t StreamRegistry::live_count() const {
  size_t n = 0;
  for (const auto& [name, stream] : streams_) n += stream->live() ? 1 : 0;
  return n;
}

}  // namespace liverelay
