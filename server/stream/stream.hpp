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
#include "server/stream/ingest_stats.hpp"

namespace liverelay {

struct PublisherInfo {
  uint64_t connection_id = 0;
  std::string address;    // peer "ip:port"
  std::string flash_ver;  // from connect, the fallback encoder name
};

// A stream outlives its broadcasts: it is offline between them and keeps its name.
class Stream {
 public:
  explicit Stream(std::string name) : name_(std::move(name)) {}

  void begin_broadcast(PublisherInfo publisher);
  void end_broadcast();

  Result<void> on_video(uint32_t timestamp, media::SharedBuffer tag);
  Result<void> on_audio(uint32_t timestamp, media::SharedBuffer tag);
  void on_metadata(const amf0::Value& metadata);
  // Data messages other than metadata still count towards the ingest bitrate.
  void on_other_bytes(size_t bytes);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] bool live() const { return publisher_.has_value(); }
  [[nodiscard]] const std::optional<PublisherInfo>& publisher() const { return publisher_; }
  [[nodiscard]] double uptime_s() const;
  // The encoder as the publisher named itself: onMetaData's "encoder", else connect's flashVer.
  [[nodiscard]] std::string encoder() const;
  [[nodiscard]] const std::optional<media::VideoConfig>& video() const { return demuxer_.video_config(); }
  [[nodiscard]] const std::optional<media::AudioConfig>& audio() const { return demuxer_.audio_config(); }
  [[nodiscard]] const IngestStats& ingest() const { return stats_; }
  // Declared frame rate from onMetaData ("framerate"), when the encoder sent one.
  [[nodiscard]] std::optional<double> metadata_fps() const { return metadata_fps_; }

  static int64_t now_ms();

 private:
  Result<void> on_demuxed(Result<flv::DemuxOutput> output, size_t bytes);

  std::string name_;
  std::optional<PublisherInfo> publisher_;
  std::chrono::steady_clock::time_point started_{};
  flv::MediaDemuxer demuxer_;
  IngestStats stats_;
  std::string metadata_encoder_;
  std::optional<double> metadata_fps_;
};

}  // namespace liverelay
