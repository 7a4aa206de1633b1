// FLV tag bodies to configurations and MediaPackets: the ingest side of every codec path.
#include "codec/flv/media_demuxer.hpp"

#include <utility>

#include "codec/audio_config.hpp"
#include "codec/flv/audio_tag.hpp"
#include "codec/flv/video_tag.hpp"
#include "codec/video_config.hpp"

namespace liverelay::flv {
namespace {

// Stores `config` and reports it when it differs from the current one (or is the first).
template <class Config>
std::optional<Config> update(std::optional<Config>& current, Config config) {
  if (current && *current == config) return std::nullopt;
  current = config;
  return config;
}

media::MediaPacket make_packet(media::TrackKind track, media::Codec codec, int64_t dts_ms,
                               media::SharedBuffer tag, size_t payload_offset) {
  media::MediaPacket packet;
  packet.track = track;
  packet.codec = codec;
  packet.dts_ms = dts_ms;
  packet.pts_ms = dts_ms;
  packet.tag = std::move(tag);
  packet.payload_offset = payload_offset;
  return packet;
}

}  // namespace

Result<DemuxOutput> MediaDemuxer::on_video(uint32_t timestamp, media::SharedBuffer tag) {
  DemuxOutput out;
  if (!tag || tag->empty()) return out;
  auto header = parse_video_tag_header(*tag);
  if (!header) return tl::unexpected(header.error());
  const auto payload = std::span<const uint8_t>(*tag).subspan(header->payload_offset);
  switch (header->kind) {
    case VideoPacketKind::sequence_start: {
      auto config = codec::make_video_config(header->codec, payload);
      if (!config) return tl::unexpected(std::move(config.error()).context("video sequence header"));
      out.video_config = update(video_, std::move(*config));
      break;
    }
    case VideoPacketKind::coded_frames: {
      // Frames before any sequence header still pass: a muxer decides what to do with them.
      const int64_t dts = timeline_.unwrap(timestamp);
      out.packet =
          make_packet(media::TrackKind::video, header->codec, dts, std::move(tag), header->payload_offset);
      out.packet->pts_ms = dts + header->composition_time_ms;
      out.packet->keyframe = header->keyframe();
      break;
    }
    case VideoPacketKind::sequence_end:
    case VideoPacketKind::ignored:
      break;
  }
  return out;
}

Result<DemuxOutput> MediaDemuxer::on_audio(uint32_t timestamp, media::SharedBuffer tag) {
  DemuxOutput out;
  if (!tag || tag->empty()) return out;
  auto header = parse_audio_tag_header(*tag);
  if (!header) return tl::unexpected(header.error());
  const auto payload = std::span<const uint8_t>(*tag).subspan(header->payload_offset);
  switch (header->kind) {
    case AudioPacketKind::sequence_start: {
      auto config = codec::make_audio_config(header->codec, payload);
      if (!config) return tl::unexpected(std::move(config.error()).context("audio sequence header"));
      out.audio_config = update(audio_, std::move(*config));
      break;
    }
    case AudioPacketKind::coded_frames: {
      // Formats without a sequence header (MP3, PCM, ...) are described by the tag's flags.
      if (header->sample_rate != 0) {
        media::AudioConfig config;
        config.codec = header->codec;
        config.sample_rate = header->sample_rate;
        config.channels = header->channels;
        out.audio_config = update(audio_, std::move(config));
      }
      out.packet = make_packet(media::TrackKind::audio, header->codec, timeline_.unwrap(timestamp),
                               std::move(tag), header->payload_offset);
      out.packet->keyframe = true;  // every audio frame decodes on its own
      break;
    }
    case AudioPacketKind::ignored:
      break;
  }
  return out;
}

}  // namespace liverelay::flv
