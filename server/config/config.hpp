// Run-time configuration: embedded defaults, then the TOML file, then command-line flags.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/core/error.hpp"
#include "server/net/endpoint.hpp"

// The source tree's web/ folder (set by CMake), so that a build serves its pages with no config.
#ifndef LIVERELAY_WEB_ROOT
#define LIVERELAY_WEB_ROOT "web"
#endif

namespace liverelay {

// Keyed mode: a publisher using `key` appears as `name`. The key is a secret: never logged.
struct StreamKeyConfig {
  std::string name;
  std::string key;
};

struct HlsConfig {
  std::string format = "fmp4";  // "fmp4" or "ts" (old players; then no low latency)
  double segment_s = 2.0;     // target segment duration; cuts land on the next keyframe after it
  int64_t window = 6;         // segments in the live playlist
  bool low_latency = true;    // low-latency HLS (RFC 8216bis): parts, blocking reload; fMP4 only
  double part_s = 0.33;       // low-latency part target duration
};

// The rooms (live comments over WebSocket): per-connection limits.
struct RoomConfig {
  double comments_per_s = 1.0;  // sustained comment rate per connection
  double comment_burst = 5.0;
  double reactions_per_s = 5.0;
  double reaction_burst = 20.0;
  int64_t max_connections_per_address = 200;  // WebSockets from one address (NATs share one)
  int64_t send_queue_kib = 512;  // a socket this far behind is disconnected
};

// A program that answers viewers: it posts as `name` with `token` (WebSocket auth or HTTP).
struct BotConfig {
  std::string name;
  std::string token;
};

// [webhooks]: HTTP POSTs with JSON to the operator's service (SRS's http hooks, nginx-rtmp's
// on_publish). An empty URL is not called.
struct WebhooksConfig {
  std::string on_publish;       // asked before a publish starts; only a 2xx answer allows it
  std::string on_publish_done;  // told when the publisher leaves
  std::string on_record_done;   // told when a recording is complete
  double timeout_s = 3.0;       // per request; past it on_publish refuses (fail closed)
};

// [recording]: every broadcast recorded as HLS under the data dir (replays), its live DVR
// window, and retention (0: no limit).
struct RecordingConfig {
  bool enabled = true;
  double dvr_window_s = 7200;  // how far back the live event playlist reaches
  double max_age_h = 0;        // recordings ended longer ago than this are removed
  int64_t max_bytes = 0;       // over this total the oldest recordings are removed
};

// [[push]]: restream a stream to an RTMP target (another platform or server) while it is live.
struct PushConfig {
  std::string stream;  // the local public name
  std::string url;     // rtmp://host[:port]/app/key
};

// [[pull]]: this server is an edge for `stream`, played from an origin over RTMP.
struct PullConfig {
  std::string stream;
  std::string url;
  bool on_demand = true;  // false: pulled from start to stop
  double idle_s = 30.0;   // on demand: released this long after the last viewer left
};

// [webrtc]: WHEP playback.
struct WebRtcConfig {
  Endpoint udp{"0.0.0.0", 8189};  // one UDP port for every session
  // Addresses announced in SDP answers (the public address behind NAT); empty: the bound
  // address, or every interface's when bound to 0.0.0.0.
  std::vector<std::string> candidates;
  bool reencode_bframes = true;  // browsers cannot decode B-frames: re-encode such video (false: refuse)
  int64_t max_sessions = 2000;            // WHEP sessions on the server (one 2.5 Mb/s viewer: ~0.45 % of a core)
  int64_t max_sessions_per_address = 50;  // from one client address (NATs share one)
  // The DTLS certificate and its key, PEM files; both empty: a fresh ECDSA P-256 one at each start.
  std::string certificate_file;
  std::string key_file;
};

// [limits]: caps and timeouts that keep floods, slow clients and oversized input from taking
// the server down.
struct LimitsConfig {
  int64_t max_connections = 10'000;             // TCP connections at once, RTMP and HTTP (WebSockets too)
  int64_t max_connections_per_address = 2'000;  // of them from one client address (NATs share one)
  double rtmp_handshake_timeout_s = 10;         // an RTMP socket that has not finished its handshake is closed
  double publisher_idle_timeout_s = 30;         // a publisher sending no audio or video is disconnected
  int64_t max_rtmp_message_bytes = 8 * 1024 * 1024;  // a larger RTMP message closes its connection
  int64_t max_streams = 1'000;                  // live streams at once; past it a publish is refused
  int64_t http_max_header_bytes = 16 * 1024;    // request line and headers; 431 past it
  double http_header_timeout_s = 10;            // a request not complete in this is answered 408 (slowloris)
};

struct Config {
  Endpoint rtmp{"0.0.0.0", 1935};
  Endpoint http{"0.0.0.0", 8080};
  std::string data_dir = "./data";
  std::string log_level = "info";
  // A publisher that reconnects to the same name within this many seconds continues the same
  // broadcast (HLS: EXT-X-DISCONTINUITY, the media sequence goes on); after it, the broadcast ends.
  double reconnect_grace_s = 10.0;
  HlsConfig hls;
  std::vector<StreamKeyConfig> streams;  // empty: open mode
  RoomConfig room;
  std::string admin_token;  // [admin] token; empty: no admin
  std::vector<BotConfig> bots;
  WebhooksConfig webhooks;
  RecordingConfig recording;
  std::vector<PushConfig> pushes;
  std::vector<PullConfig> pulls;
  WebRtcConfig webrtc;
  LimitsConfig limits;
  std::string web_root = LIVERELAY_WEB_ROOT;  // [web] root: pages, scripts, vendor files
};

// Reads a TOML config file over `base`. Errors name the file, the line and the key.
Result<Config> load_config_file(const std::string& path, Config base = {});

// The same for TOML text already in memory; `path` names it in errors.
Result<Config> parse_config_text(std::string_view text, const std::string& path, Config base = {});

// What the command line asked for. nullopt fields were not given and leave the config alone.
struct CommandLine {
  std::optional<std::string> config_file;
  std::optional<std::string> rtmp;
  std::optional<std::string> http;
  std::optional<std::string> webrtc;
  std::optional<std::string> data_dir;
  std::optional<std::string> log_level;
  std::optional<std::string> web_root;
  std::optional<bool> low_latency;  // --hls-low-latency / --no-hls-low-latency
};

// Defaults, then the file named by --config, then the flags.
Result<Config> resolve_config(const CommandLine& command_line);

}  // namespace liverelay
