// Config loading: toml++ for the file, validation with the line of each bad key.
#include "server/config/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "server/stream/publish_auth.hpp"

namespace liverelay {
namespace {

std::string where(const std::string& path, const toml::node& node) {
  return fmt::format("{}:{}", path, node.source().begin.line);
}

// Reads an optional string key; a key of another type is an error naming its line.
Result<std::optional<std::string>> string_at(const std::string& path, const toml::table& table,
                                             std::string_view section, std::string_view key) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::optional<std::string>{};
  if (!node->is_string()) {
    return fail(Errc::malformed, fmt::format("{}: {}.{} must be a string", where(path, *node), section, key));
  }
  return std::optional<std::string>{**node->as_string()};
}

// Reads an optional number (integer or float) within [min, max].
Result<std::optional<double>> number_at(const std::string& path, const toml::table& table, std::string_view section,
                                        std::string_view key, double min, double max) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::optional<double>{};
  auto value = node->value<double>();
  if (!value || *value < min || *value > max) {
    return fail(Errc::malformed, fmt::format("{}: {}.{} must be a number from {} to {}", where(path, *node), section,
                                             key, min, max));
  }
  return value;
}

// Reads an optional integer within [min, max].
Result<std::optional<int64_t>> integer_at(const std::string& path, const toml::table& table, std::string_view section,
                                          std::string_view key, int64_t min, int64_t max) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::optional<int64_t>{};
  auto value = node->value_exact<int64_t>();
  if (!value || *value < min || *value > max) {
    return fail(Errc::malformed, fmt::format("{}: {}.{} must be an integer from {} to {}", where(path, *node), section,
                                             key, min, max));
  }
  return value;
}

// Reads an optional boolean key.
Result<std::optional<bool>> bool_at(const std::string& path, const toml::table& table, std::string_view section,
                                    std::string_view key) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::optional<bool>{};
  if (!node->is_boolean()) {
    return fail(Errc::malformed, fmt::format("{}: {}.{} must be true or false", where(path, *node), section, key));
  }
  return std::optional<bool>{**node->as_boolean()};
}

Result<void> read_endpoint(const std::string& path, const toml::table& server, std::string_view key,
                           Endpoint& out) {
  auto text = string_at(path, server, "server", key);
  if (!text) return tl::unexpected(text.error());
  if (!*text) return {};
  auto endpoint = Endpoint::parse(**text);
  if (!endpoint) {
    return fail(Errc::malformed, fmt::format("{}: server.{}: {}", where(path, *server.get(key)), key,
                                             endpoint.error().message));
  }
  out = *endpoint;
  return {};
}

Result<void> read_server(const std::string& path, const toml::table& server, Config& config) {
  if (auto r = read_endpoint(path, server, "rtmp", config.rtmp); !r) return r;
  if (auto r = read_endpoint(path, server, "http", config.http); !r) return r;
  auto data_dir = string_at(path, server, "server", "data_dir");
  if (!data_dir) return tl::unexpected(data_dir.error());
  if (*data_dir) config.data_dir = **data_dir;
  auto log_level = string_at(path, server, "server", "log_level");
  if (!log_level) return tl::unexpected(log_level.error());
  if (*log_level) config.log_level = **log_level;
  auto grace = number_at(path, server, "server", "reconnect_grace_s", 0, 3600);
  if (!grace) return tl::unexpected(grace.error());
  if (*grace) config.reconnect_grace_s = **grace;
  return {};
}

Result<void> read_hls(const std::string& path, const toml::table& hls, Config& config) {
  auto format = string_at(path, hls, "hls", "format");
  if (!format) return tl::unexpected(format.error());
  if (*format) {
    if (**format != "ts" && **format != "fmp4") {
      return fail(Errc::malformed, fmt::format("{}: hls.format must be \"ts\" or \"fmp4\"", where(path, *hls.get("format"))));
    }
    config.hls.format = **format;
  }
  auto segment = number_at(path, hls, "hls", "segment_s", 0.1, 60);
  if (!segment) return tl::unexpected(segment.error());
  if (*segment) config.hls.segment_s = **segment;
  auto window = number_at(path, hls, "hls", "window", 2, 1000);
  if (!window) return tl::unexpected(window.error());
  if (*window) config.hls.window = static_cast<int64_t>(**window);
  auto low_latency = bool_at(path, hls, "hls", "low_latency");
  if (!low_latency) return tl::unexpected(low_latency.error());
  if (*low_latency) {
    if (**low_latency && config.hls.format != "fmp4") {
      return fail(Errc::malformed, fmt::format("{}: hls.low_latency needs hls.format = \"fmp4\" (parts are fMP4 fragments)",
                                               where(path, *hls.get("low_latency"))));
    }
    config.hls.low_latency = **low_latency;
  } else if (config.hls.format != "fmp4") {
    // Asking for TS is asking for what old players read: plain HLS, whatever the default.
    config.hls.low_latency = false;
  }
  auto part = number_at(path, hls, "hls", "part_s", 0.05, 5);
  if (!part) return tl::unexpected(part.error());
  if (*part) config.hls.part_s = **part;
  if (config.hls.low_latency && config.hls.part_s * 2 > config.hls.segment_s) {
    return fail(Errc::malformed, fmt::format("{}: hls.part_s ({}) must be at most half of hls.segment_s ({})", path,
                                             config.hls.part_s, config.hls.segment_s));
  }
  return {};
}

Result<void> read_streams(const std::string& path, const toml::node& node, Config& config) {
  const toml::array* streams = node.as_array();
  if (streams == nullptr) {
    return fail(Errc::malformed, fmt::format("{}: streams must be an array of tables ([[streams]])", where(path, node)));
  }
  std::set<std::string> names;
  for (const toml::node& entry : *streams) {
    const toml::table* table = entry.as_table();
    if (table == nullptr) return fail(Errc::malformed, fmt::format("{}: [[streams]] entry must be a table", where(path, entry)));
    auto name = string_at(path, *table, "streams", "name");
    if (!name) return tl::unexpected(name.error());
    auto key = string_at(path, *table, "streams", "key");
    if (!key) return tl::unexpected(key.error());
    if (!*name || (*name)->empty() || !*key || (*key)->empty()) {
      return fail(Errc::malformed, fmt::format("{}: [[streams]] needs a non-empty name and key", where(path, entry)));
    }
    if (!names.insert(**name).second) {
      return fail(Errc::malformed, fmt::format("{}: stream name '{}' listed twice", where(path, entry), **name));
    }
    config.streams.push_back({**name, **key});
  }
  return {};
}

Result<void> read_room(const std::string& path, const toml::table& room, Config& config) {
  struct NumberKey {
    std::string_view key;
    double min;
    double max;
    double* out;
  };
  const NumberKey rates[] = {
      {"comments_per_s", 0.01, 1000, &config.room.comments_per_s},
      {"comment_burst", 1, 10000, &config.room.comment_burst},
      {"reactions_per_s", 0.01, 1000, &config.room.reactions_per_s},
      {"reaction_burst", 1, 10000, &config.room.reaction_burst},
  };
  for (const auto& [key, min, max, out] : rates) {
    auto value = number_at(path, room, "room", key, min, max);
    if (!value) return tl::unexpected(value.error());
    if (*value) *out = **value;
  }
  auto per_address = number_at(path, room, "room", "max_connections_per_address", 1, 1'000'000);
  if (!per_address) return tl::unexpected(per_address.error());
  if (*per_address) config.room.max_connections_per_address = static_cast<int64_t>(**per_address);
  auto queue = number_at(path, room, "room", "send_queue_kib", 16, 1'048'576);
  if (!queue) return tl::unexpected(queue.error());
  if (*queue) config.room.send_queue_kib = static_cast<int64_t>(**queue);
  return {};
}

Result<void> read_admin(const std::string& path, const toml::table& admin, Config& config) {
  auto token = string_at(path, admin, "admin", "token");
  if (!token) return tl::unexpected(token.error());
  if (*token) {
    if ((*token)->size() < 16) {
      return fail(Errc::malformed, fmt::format("{}: admin.token must be at least 16 characters",
                                               where(path, *admin.get("token"))));
    }
    config.admin_token = **token;
  }
  return {};
}

Result<void> read_bots(const std::string& path, const toml::node& node, Config& config) {
  const toml::array* bots = node.as_array();
  if (bots == nullptr) return fail(Errc::malformed, fmt::format("{}: bots must be an array of tables ([[bots]])", where(path, node)));
  for (const toml::node& entry : *bots) {
    const toml::table* table = entry.as_table();
    if (table == nullptr) return fail(Errc::malformed, fmt::format("{}: [[bots]] entry must be a table", where(path, entry)));
    auto name = string_at(path, *table, "bots", "name");
    if (!name) return tl::unexpected(name.error());
    auto token = string_at(path, *table, "bots", "token");
    if (!token) return tl::unexpected(token.error());
    if (!*name || (*name)->empty() || (*name)->size() > 32 || !*token || (*token)->size() < 16) {
      return fail(Errc::malformed, fmt::format("{}: [[bots]] needs a name (1..32 characters) and a token of 16 or "
                                               "more characters", where(path, entry)));
    }
    config.bots.push_back({**name, **token});
  }
  return {};
}

// A hook target: an http:// or https:// URL with a host, printable ASCII without spaces.
bool is_hook_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) rest = url.substr(7);
  else if (url.starts_with("https://")) rest = url.substr(8);
  else return false;
  if (rest.empty() || rest.front() == '/' || url.size() > 2048) return false;
  return std::all_of(url.begin(), url.end(), [](char c) { return c > ' ' && c < 127; });
}

Result<void> read_webhooks(const std::string& path, const toml::table& webhooks, Config& config) {
  const std::pair<std::string_view, std::string*> urls[] = {
      {"on_publish", &config.webhooks.on_publish},
      {"on_publish_done", &config.webhooks.on_publish_done},
      {"on_record_done", &config.webhooks.on_record_done},
  };
  for (const auto& [key, out] : urls) {
    auto url = string_at(path, webhooks, "webhooks", key);
    if (!url) return tl::unexpected(url.error());
    if (!*url) continue;
    if (!is_hook_url(**url)) {
      return fail(Errc::malformed, fmt::format("{}: webhooks.{} must be an http:// or https:// URL",
                                               where(path, *webhooks.get(key)), key));
    }
    *out = **url;
  }
  auto timeout = number_at(path, webhooks, "webhooks", "timeout_s", 0.1, 30);
  if (!timeout) return tl::unexpected(timeout.error());
  if (*timeout) config.webhooks.timeout_s = **timeout;
  return {};
}

Result<void> read_web(const std::string& path, const toml::table& web, Config& config) {
  auto root = string_at(path, web, "web", "root");
  if (!root) return tl::unexpected(root.error());
  if (!*root) return {};
  if ((*root)->empty()) {
    return fail(Errc::malformed, fmt::format("{}: web.root must not be empty", where(path, *web.get("root"))));
  }
  config.web_root = **root;
  return {};
}

Result<void> read_webrtc(const std::string& path, const toml::table& webrtc, Config& config) {
  auto udp = string_at(path, webrtc, "webrtc", "udp");
  if (!udp) return tl::unexpected(udp.error());
  if (*udp) {
    auto endpoint = Endpoint::parse(**udp);
    if (!endpoint) {
      return fail(Errc::malformed, fmt::format("{}: webrtc.udp: {}", where(path, *webrtc.get("udp")), endpoint.error().message));
    }
    config.webrtc.udp = *endpoint;
  }
  if (const toml::node* candidates = webrtc.get("candidates")) {
    const toml::array* list = candidates->as_array();
    if (list == nullptr) {
      return fail(Errc::malformed, fmt::format("{}: webrtc.candidates must be an array of addresses", where(path, *candidates)));
    }
    config.webrtc.candidates.clear();
    for (const toml::node& entry : *list) {
      const auto* address = entry.as_string();
      if (address == nullptr || (*address)->empty()) {
        return fail(Errc::malformed, fmt::format("{}: webrtc.candidates: each must be an address string", where(path, entry)));
      }
      config.webrtc.candidates.push_back(**address);
    }
  }
  auto reencode = bool_at(path, webrtc, "webrtc", "reencode_bframes");
  if (!reencode) return tl::unexpected(reencode.error());
  if (*reencode) config.webrtc.reencode_bframes = **reencode;
  auto certificate = string_at(path, webrtc, "webrtc", "certificate_file");
  if (!certificate) return tl::unexpected(certificate.error());
  if (*certificate) config.webrtc.certificate_file = **certificate;
  auto key = string_at(path, webrtc, "webrtc", "key_file");
  if (!key) return tl::unexpected(key.error());
  if (*key) config.webrtc.key_file = **key;
  if (config.webrtc.certificate_file.empty() != config.webrtc.key_file.empty()) {
    return fail(Errc::malformed, fmt::format("{}: webrtc.certificate_file and webrtc.key_file go together", path));
  }
  auto sessions = number_at(path, webrtc, "webrtc", "max_sessions", 1, 1'000'000);
  if (!sessions) return tl::unexpected(sessions.error());
  if (*sessions) config.webrtc.max_sessions = static_cast<int64_t>(**sessions);
  auto per_address = number_at(path, webrtc, "webrtc", "max_sessions_per_address", 1, 1'000'000);
  if (!per_address) return tl::unexpected(per_address.error());
  if (*per_address) config.webrtc.max_sessions_per_address = static_cast<int64_t>(**per_address);
  return {};
}

Result<void> read_recording(const std::string& path, const toml::table& recording, Config& config) {
  auto enabled = bool_at(path, recording, "recording", "enabled");
  if (!enabled) return tl::unexpected(enabled.error());
  if (*enabled) config.recording.enabled = **enabled;
  auto window = number_at(path, recording, "recording", "dvr_window_s", 0, 7 * 86400);
  if (!window) return tl::unexpected(window.error());
  if (*window) config.recording.dvr_window_s = **window;
  auto age = number_at(path, recording, "recording", "max_age_h", 0, 24.0 * 365 * 100);
  if (!age) return tl::unexpected(age.error());
  if (*age) config.recording.max_age_h = **age;
  auto bytes = number_at(path, recording, "recording", "max_bytes", 0, 9e15);
  if (!bytes) return tl::unexpected(bytes.error());
  if (*bytes) config.recording.max_bytes = static_cast<int64_t>(**bytes);
  return {};
}

// [[push]] and [[pull]] entries: a stream name and an rtmp:// URL each (checked by Relays).
Result<void> read_relays(const std::string& path, const toml::node& node, std::string_view section, Config& config) {
  const toml::array* entries = node.as_array();
  if (entries == nullptr) {
    return fail(Errc::malformed, fmt::format("{}: {} must be an array of tables ([[{}]])", where(path, node), section, section));
  }
  for (const toml::node& entry : *entries) {
    const toml::table* table = entry.as_table();
    if (table == nullptr) return fail(Errc::malformed, fmt::format("{}: [[{}]] entry must be a table", where(path, entry), section));
    auto stream = string_at(path, *table, section, "stream");
    if (!stream) return tl::unexpected(stream.error());
    auto url = string_at(path, *table, section, "url");
    if (!url) return tl::unexpected(url.error());
    if (!*stream || !is_valid_stream_name(**stream) || !*url || !(*url)->starts_with("rtmp://")) {
      return fail(Errc::malformed, fmt::format("{}: [[{}]] needs a stream name and an rtmp:// url", where(path, entry), section));
    }
    if (section == "push") {
      config.pushes.push_back({**stream, **url});
      continue;
    }
    PullConfig pull{**stream, **url};
    auto on_demand = bool_at(path, *table, "pull", "on_demand");
    if (!on_demand) return tl::unexpected(on_demand.error());
    if (*on_demand) pull.on_demand = **on_demand;
    auto idle = number_at(path, *table, section, "idle_s", 0, 86400);
    if (!idle) return tl::unexpected(idle.error());
    if (*idle) pull.idle_s = **idle;
    config.pulls.push_back(std::move(pull));
  }
  return {};
}

// [limits]: counts are integers, timeouts seconds (fractions allowed).
Result<void> read_limits(const std::string& path, const toml::table& limits, Config& config) {
  LimitsConfig& out = config.limits;
  struct CountKey {
    std::string_view key;
    int64_t min;
    int64_t max;
    int64_t* out;
  };
  const CountKey counts[] = {
      {"max_connections", 1, 1'000'000, &out.max_connections},
      {"max_connections_per_address", 1, 1'000'000, &out.max_connections_per_address},
      // RTMP's message length is 24 bits; below 64 KiB a keyframe of any real encoder is refused.
      {"max_rtmp_message_bytes", 64 * 1024, 0xffffff, &out.max_rtmp_message_bytes},
      {"max_streams", 1, 1'000'000, &out.max_streams},
      // A browser's request with its cookies and user agent needs about 1 KiB.
      {"http_max_header_bytes", 1024, 1024 * 1024, &out.http_max_header_bytes},
  };
  for (const auto& [key, min, max, value] : counts) {
    auto read = integer_at(path, limits, "limits", key, min, max);
    if (!read) return tl::unexpected(read.error());
    if (*read) *value = **read;
  }
  struct SecondsKey {
    std::string_view key;
    double max;
    double* out;
  };
  const SecondsKey timeouts[] = {
      {"rtmp_handshake_timeout_s", 300, &out.rtmp_handshake_timeout_s},
      {"publisher_idle_timeout_s", 3600, &out.publisher_idle_timeout_s},
      {"http_header_timeout_s", 300, &out.http_header_timeout_s},
  };
  for (const auto& [key, max, value] : timeouts) {
    auto read = number_at(path, limits, "limits", key, 1, max);  // under a second drops real clients on slow links
    if (!read) return tl::unexpected(read.error());
    if (*read) *value = **read;
  }
  return {};
}

// The [limits] table when the file has one.
Result<void> read_limits_section(const std::string& path, const toml::table& root, Config& config) {
  const toml::node* limits = root.get("limits");
  if (limits == nullptr) return {};
  if (!limits->is_table()) return fail(Errc::malformed, fmt::format("{}: [limits] must be a table", where(path, *limits)));
  return read_limits(path, *limits->as_table(), config);
}

}  // namespace

Result<Config> load_config_file(const std::string& path, Config base) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  if (!(text << file.rdbuf())) {
    return fail(Errc::io, fmt::format("{}: cannot be read ({})", path, std::strerror(errno)));
  }
  return parse_config_text(text.str(), path, std::move(base));
}

Result<Config> parse_config_text(std::string_view text, const std::string& path, Config config) {
  toml::table root;
  try {  // Debian's toml++ is built with exceptions: parse errors arrive as toml::parse_error
    root = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return fail(Errc::malformed, fmt::format("{}:{}: {}", path, error.source().begin.line, error.description()));
  }
  if (const toml::node* server = root.get("server")) {
    if (!server->is_table()) return fail(Errc::malformed, fmt::format("{}: [server] must be a table", where(path, *server)));
    if (auto r = read_server(path, *server->as_table(), config); !r) return tl::unexpected(r.error());
  }
  if (const toml::node* hls = root.get("hls")) {
    if (!hls->is_table()) return fail(Errc::malformed, fmt::format("{}: [hls] must be a table", where(path, *hls)));
    if (auto r = read_hls(path, *hls->as_table(), config); !r) return tl::unexpected(r.error());
  }
  if (const toml::node* streams = root.get("streams")) {
    if (auto r = read_streams(path, *streams, config); !r) return tl::unexpected(r.error());
  }
  if (const toml::node* room = root.get("room")) {
    if (!room->is_table()) return fail(Errc::malformed, fmt::format("{}: [room] must be a table", where(path, *room)));
    if (auto r = read_room(path, *room->as_table(), config); !r) return tl::unexpected(r.error());
  }
  if (const toml::node* admin = root.get("admin")) {
    if (!admin->is_table()) return fail(Errc::malformed, fmt::format("{}: [admin] must be a table", where(path, *admin)));
    if (auto r = read_admin(path, *admin->as_table(), config); !r) return tl::unexpected(r.error());
  }
  if (const toml::node* bots = root.get("bots")) {
    if (auto r = read_bots(path, *bots, config); !r) return tl::unexpected(r.error());
  }
  for (std::string_view section : {"push", "pull"}) {
    if (const toml::node* relays = root.get(section)) {
      if (auto r = read_relays(path, *relays, section, config); !r) return tl::unexpected(r.error());
    }
  }
  if (const toml::node* webhooks = root.get("webhooks")) {
    if (!webhooks->is_table()) return fail(Errc::malformed, fmt::format("{}: [webhooks] must be a table", where(path, *webhooks)));
    if (auto r = read_webhooks(path, *webhooks->as_table(), config); !r) return tl::unexpected(r.error());
  }
  if (const toml::node* web = root.get("web")) {
    if (!web->is_table()) return fail(Errc::malformed, fmt::format("{}: [web] must be a table", where(path, *web)));
    if (auto r = read_web(path, *web->as_table(), config); !r) return tl::unexpected(r.error());
  }
  if (const toml::node* webrtc = root.get("webrtc")) {
    if (!webrtc->is_table()) return fail(Errc::malformed, fmt::format("{}: [webrtc] must be a table", where(path, *webrtc)));
    if (auto r = read_webrtc(path, *webrtc->as_table(), config); !r) return tl::unexpected(r.error());
  }
  if (const toml::node* recording = root.get("recording")) {
    if (!recording->is_table()) return fail(Errc::malformed, fmt::format("{}: [recording] must be a table", where(path, *recording)));
    if (auto r = read_recording(path, *recording->as_table(), config); !r) return tl::unexpected(r.error());
  }
  if (auto r = read_limits_section(path, root, config); !r) return tl::unexpected(r.error());
  return config;
}

Result<Config> resolve_config(const CommandLine& command_line) {
  Config config;
  if (command_line.config_file) {
    auto loaded = load_config_file(*command_line.config_file);
    if (!loaded) return tl::unexpected(std::move(loaded.error()));
    config = std::move(*loaded);
  }
  if (command_line.rtmp) {
    auto endpoint = Endpoint::parse(*command_line.rtmp);
    if (!endpoint) return tl::unexpected(std::move(endpoint.error()).context("--rtmp"));
    config.rtmp = *endpoint;
  }
  if (command_line.http) {
    auto endpoint = Endpoint::parse(*command_line.http);
    if (!endpoint) return tl::unexpected(std::move(endpoint.error()).context("--http"));
    config.http = *endpoint;
  }
  if (command_line.webrtc) {
    auto endpoint = Endpoint::parse(*command_line.webrtc);
    if (!endpoint) return tl::unexpected(std::move(endpoint.error()).context("--webrtc"));
    config.webrtc.udp = *endpoint;
  }
  if (command_line.data_dir) config.data_dir = *command_line.data_dir;
  if (command_line.log_level) config.log_level = *command_line.log_level;
  if (command_line.web_root) config.web_root = *command_line.web_root;
  if (command_line.low_latency) {
    config.hls.low_latency = *command_line.low_latency;
    if (config.hls.low_latency) config.hls.format = "fmp4";
  }
  return config;
}

}  // namespace liverelay
