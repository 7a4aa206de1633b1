// One named stream: the hub between its publisher and everything that consumes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "codec/flv/media_demuxer.hpp"
#include "codec/media_packet.hpp"
#include "protocol/core/error.hpp"
#include "protocol/rtmp/amf0.hpp"
#include "server/hls/hls_packager.hpp"
#include "server/log_budget.hpp"
#include "server/stream/broadcast_observer.hpp"
#include "server/stream/ingest_stats.hpp"
#include "server/stream/media_fanout.hpp"

namespace liverelay {

struct PublisherInfo {
  uint64_t connection_id = 0;
  std::string address;    // peer "ip:port"
  std::string flash_ver;  // from connect, the fallback encoder name
};

struct StreamOptions {
  HlsOptions hls;
  int64_t reconnect_grace_ms = 10'000;
  int64_t ended_playlist_kept_ms = 60'000;  // an ended HLS playlist stays (with ENDLIST) this long
};

// A stream outlives its broadcasts: it is offline between them and keeps its name.
class Stream {
 public:
  Stream(std::string name, StreamOptions options) : name_(std::move(name)), options_(options) {}

  // Told of this stream's broadcasts from now on (nullptr: nobody).
  void set_broadcast_observer(BroadcastObserver* observer) { observer_ = observer; }

  void begin_broadcast(PublisherInfo publisher);
  // The publisher left. Within the reconnect grace a new publisher continues the broadcast.
  void end_broadcast();
  // Ends the broadcast now, without waiting for the reconnect grace (an operator's kick).
  void end_now();
  // Housekeeping (about once a second): ends the broadcast once the grace has passed and
  // forgets its HLS once the ended playlist has been kept long enough.
  void tick(int64_t now_ms);

  // `arrival_us`: steady-clock µs when the tag's last bytes were read from the socket.
  Result<void> on_video(uint32_t timestamp, media::SharedBuffer tag, int64_t arrival_us);
  Result<void> on_audio(uint32_t timestamp, media::SharedBuffer tag, int64_t arrival_us);
  void on_metadata(const amf0::Value& metadata);
  // Data messages other than metadata still count towards the ingest bitrate.
  void on_other_bytes(size_t bytes);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] bool live() const { return publisher_.has_value(); }
  // Live, or waiting within the reconnect grace for its publisher to come back.
  [[nodiscard]] bool broadcasting() const { return publisher_.has_value() || (hls_ && !hls_->ended()); }
  // Where RTMP players and push relays take the publisher's tags from (see MediaFanout).
  [[nodiscard]] MediaFanout& fanout() { return fanout_; }
  [[nodiscard]] const PlaybackStats& playback() const { return fanout_.playback(); }
  [[nodiscard]] const std::optional<PublisherInfo>& publisher() const { return publisher_; }
  [[nodiscard]] double uptime_s() const;
  // The encoder as the publisher named itself: onMetaData's "encoder", else connect's flashVer.
  [[nodiscard]] std::string encoder() const;
  [[nodiscard]] const std::optional<media::VideoConfig>& video() const { return demuxer_.video_config(); }
  [[nodiscard]] const std::optional<media::AudioConfig>& audio() const { return demuxer_.audio_config(); }
  [[nodiscard]] const IngestStats& ingest() const { return stats_; }
  // The live (or just ended) HLS of the stream; nullptr when there is none.
  [[nodiscard]] const HlsPackager* hls() const { return hls_.get(); }
  // Mutable for those that wait on it (held low-latency requests register with it).
  [[nodiscard]] HlsPackager* hls() { return hls_.get(); }
  // Declared frame rate from onMetaData ("framerate"), when the encoder sent one.
  [[nodiscard]] std::optional<double> metadata_fps() const { return metadata_fps_; }
  // HLS answered from this stream (playlists and segments: requests, body bytes), counted over
  // the stream's life, broadcasts included.
  void on_hls_served(size_t body_bytes) {
    ++hls_requests_;
    hls_bytes_served_ += body_bytes;
  }
  [[nodiscard]] uint64_t hls_requests() const { return hls_requests_; }
  [[nodiscard]] uint64_t hls_bytes_served() const { return hls_bytes_served_; }


 private:
  Result<void> on_demuxed(Result<flv::DemuxOutput> output, size_t bytes, int64_t arrival_us);
  void log_config(const flv::DemuxOutput& output);
  // Ends the HLS with ENDLIST and tells the observer.
  void finish_broadcast();

  std::string name_;
  StreamOptions options_;
  std::optional<PublisherInfo> publisher_;
  std::unique_ptr<HlsPackager> hls_;
  int64_t gone_at_ms_ = 0;   // when the last publisher left (steady clock)
  int64_t gone_at_wall_ms_ = 0;  // the same, on the wall clock (the broadcast's end)
  BroadcastObserver* observer_ = nullptr;
  std::chrono::steady_clock::time_point started_{};
  flv::MediaDemuxer demuxer_;
  // Configuration changes logged per publisher: a real encoder sends one or two.
  static constexpr uint32_t kConfigLogLines = 4;
  LogBudget config_log_budget_{kConfigLogLines};
  IngestStats stats_;
  MediaFanout fanout_;
  std::string metadata_encoder_;
  std::optional<double> metadata_fps_;
  uint64_t hls_requests_ = 0;
  uint64_t hls_bytes_served_ = 0;
};

}  // namespace liverelay
