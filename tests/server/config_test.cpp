// Config: TOML file values, flag overrides, and errors that name the file and line.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <fstream>
#include <string>

#include "server/config/config.hpp"

using namespace liverelay;

namespace {

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/liverelay-config-test-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

}  // namespace

TEST_CASE("the embedded defaults match the external contract") {
  auto config = resolve_config({});
  REQUIRE(config);
  CHECK(config->rtmp == Endpoint{"0.0.0.0", 1935});
  CHECK(config->http == Endpoint{"0.0.0.0", 8080});
  CHECK(config->data_dir == "./data");
  CHECK(config->streams.empty());
}

TEST_CASE("a config file sets listeners, data dir and keyed streams") {
  TempFile file(R"(
[server]
rtmp = "127.0.0.1:19350"
http = "[::1]:18080"
data_dir = "/var/lib/liverelay"

[[streams]]
name = "alice"
key = "sk_live_1"
)");
  auto config = load_config_file(file.path);
  REQUIRE(config);
  CHECK(config->rtmp == Endpoint{"127.0.0.1", 19350});
  CHECK(config->http == Endpoint{"::1", 18080});
  CHECK(config->data_dir == "/var/lib/liverelay");
  REQUIRE(config->streams.size() == 1);
  CHECK(config->streams[0].name == "alice");
}

TEST_CASE("flags win over the config file") {
  TempFile file("[server]\nrtmp = \"127.0.0.1:1\"\ndata_dir = \"/a\"\n");
  CommandLine command_line;
  command_line.config_file = file.path;
  command_line.rtmp = "127.0.0.1:2";
  auto config = resolve_config(command_line);
  REQUIRE(config);
  CHECK(config->rtmp.port == 2);
  CHECK(config->data_dir == "/a");
}

TEST_CASE("a wrongly typed key is refused naming the file, line and key") {
  TempFile file("[server]\n\nhttp = 8080\n");
  auto config = load_config_file(file.path);
  REQUIRE_FALSE(config);
  CHECK(config.error().message == file.path + ":3: server.http must be a string");
}

TEST_CASE("a TOML syntax error is refused with its line") {
  TempFile file("[server]\nrtmp = \"unterminated\n");
  auto config = load_config_file(file.path);
  REQUIRE_FALSE(config);
  CHECK(config.error().message.rfind(file.path + ":2:", 0) == 0);
}

TEST_CASE("a stream without a key is refused") {
  TempFile file("[[streams]]\nname = \"alice\"\n");
  auto config = load_config_file(file.path);
  REQUIRE_FALSE(config);
  CHECK(config.error().message.find("needs a non-empty name and key") != std::string::npos);
}

TEST_CASE("listen addresses parse as HOST:PORT and [V6]:PORT") {
  CHECK(Endpoint::parse("0.0.0.0:1935").value() == Endpoint{"0.0.0.0", 1935});
  CHECK(Endpoint::parse("[::]:8080").value() == Endpoint{"::", 8080});
  CHECK_FALSE(Endpoint::parse("1935"));
  CHECK_FALSE(Endpoint::parse("host:99999"));
  CHECK_FALSE(Endpoint::parse("host:12ab"));
  CHECK(Endpoint{"::1", 80}.to_string() == "[::1]:80");
}

TEST_CASE("room limits, the admin token and bots come from the file") {
  TempFile file(
      "[room]\ncomments_per_s = 2.5\ncomment_burst = 10\nmax_connections_per_address = 50\nsend_queue_kib = 64\n"
      "[admin]\ntoken = \"0123456789abcdef\"\n"
      "[[bots]]\nname = \"Helpdesk\"\ntoken = \"bot-secret-012345\"\n");
  auto config = load_config_file(file.path);
  REQUIRE(config);
  CHECK(config->room.comments_per_s == 2.5);
  CHECK(config->room.comment_burst == 10);
  CHECK(config->room.reactions_per_s == 5.0);  // default kept
  CHECK(config->room.max_connections_per_address == 50);
  CHECK(config->room.send_queue_kib == 64);
  CHECK(config->admin_token == "0123456789abcdef");
  REQUIRE(config->bots.size() == 1);
  CHECK(config->bots[0].name == "Helpdesk");
}

TEST_CASE("bad room, admin and bot settings are refused with their line") {
  const std::pair<const char*, const char*> cases[] = {
      {"[room]\ncomments_per_s = 0\n", ":2: room.comments_per_s must be a number from 0.01 to 1000"},
      {"[room]\nsend_queue_kib = \"big\"\n", ":2: room.send_queue_kib must be a number"},
      {"[admin]\ntoken = \"short\"\n", ":2: admin.token must be at least 16 characters"},
      {"[[bots]]\nname = \"x\"\n", "[[bots]] needs a name"},
      {"room = 3\n", "[room] must be a table"},
  };
  for (const auto& [text, expected] : cases) {
    TempFile file(text);
    auto config = load_config_file(file.path);
    INFO(text);
    REQUIRE_FALSE(config);
    CHECK(config.error().message.find(expected) != std::string::npos);
  }
}

TEST_CASE("webhook URLs and their timeout come from the file; none are set by default") {
  auto defaults = resolve_config({});
  REQUIRE(defaults);
  CHECK(defaults->webhooks.on_publish.empty());
  CHECK(defaults->webhooks.on_publish_done.empty());
  CHECK(defaults->webhooks.on_record_done.empty());
  CHECK(defaults->webhooks.timeout_s == 3.0);

  TempFile file(
      "[webhooks]\non_publish = \"http://127.0.0.1:9000/on_publish\"\n"
      "on_publish_done = \"https://hooks.example.com/done?token=abc\"\n"
      "on_record_done = \"http://[::1]:9000/recorded\"\ntimeout_s = 0.5\n");
  auto config = load_config_file(file.path);
  REQUIRE(config);
  CHECK(config->webhooks.on_publish == "http://127.0.0.1:9000/on_publish");
  CHECK(config->webhooks.on_publish_done == "https://hooks.example.com/done?token=abc");
  CHECK(config->webhooks.on_record_done == "http://[::1]:9000/recorded");
  CHECK(config->webhooks.timeout_s == 0.5);
}

TEST_CASE("bad webhook settings are refused with their line") {
  const std::pair<const char*, const char*> cases[] = {
      {"[webhooks]\non_publish = \"ftp://127.0.0.1/x\"\n", ":2: webhooks.on_publish must be an http:// or https:// URL"},
      {"[webhooks]\n\non_publish_done = \"http://\"\n", ":3: webhooks.on_publish_done must be an http:// or https:// URL"},
      {"[webhooks]\non_record_done = \"http://host/a b\"\n", ":2: webhooks.on_record_done must be an http:// or https:// URL"},
      {"[webhooks]\non_publish = \"\"\n", ":2: webhooks.on_publish must be an http:// or https:// URL"},
      {"[webhooks]\non_publish = 9000\n", ":2: webhooks.on_publish must be a string"},
      {"[webhooks]\ntimeout_s = 0\n", ":2: webhooks.timeout_s must be a number from 0.1 to 30"},
      {"[webhooks]\ntimeout_s = 31\n", ":2: webhooks.timeout_s must be a number from 0.1 to 30"},
      {"webhooks = \"http://127.0.0.1/\"\n", ":1: [webhooks] must be a table"},
  };
  for (const auto& [text, expected] : cases) {
    TempFile file(text);
    auto config = load_config_file(file.path);
    INFO(text);
    REQUIRE_FALSE(config);
    CHECK(config.error().message == file.path + expected);
  }
}

TEST_CASE("the web root defaults to the source tree's web/, [web] root and --web-root override it") {
  auto defaults = resolve_config({});
  REQUIRE(defaults);
  CHECK(defaults->web_root == LIVERELAY_WEB_ROOT);
  CHECK(defaults->web_root.ends_with("/web"));

  TempFile file("[web]\nroot = \"/srv/liverelay/web\"\n");
  auto from_file = load_config_file(file.path);
  REQUIRE(from_file);
  CHECK(from_file->web_root == "/srv/liverelay/web");

  CommandLine command_line;
  command_line.config_file = file.path;
  command_line.web_root = "/opt/web";
  auto flagged = resolve_config(command_line);
  REQUIRE(flagged);
  CHECK(flagged->web_root == "/opt/web");

  TempFile empty("[web]\nroot = \"\"\n");
  auto refused = load_config_file(empty.path);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == empty.path + ":2: web.root must not be empty");
}

TEST_CASE("[recording] records by default with a 2 h DVR window and no retention limits; the file sets them") {
  auto defaults = resolve_config({});
  REQUIRE(defaults);
  CHECK(defaults->recording.enabled);
  CHECK(defaults->recording.dvr_window_s == 7200.0);
  CHECK(defaults->recording.max_age_h == 0.0);
  CHECK(defaults->recording.max_bytes == 0);

  TempFile file("[recording]\nenabled = false\ndvr_window_s = 600\nmax_age_h = 72\nmax_bytes = 50_000_000_000\n");
  auto config = load_config_file(file.path);
  REQUIRE(config);
  CHECK_FALSE(config->recording.enabled);
  CHECK(config->recording.dvr_window_s == 600.0);
  CHECK(config->recording.max_age_h == 72.0);
  CHECK(config->recording.max_bytes == 50'000'000'000);

  const std::pair<const char*, const char*> bad[] = {
      {"[recording]\nenabled = \"yes\"\n", ":2: recording.enabled must be true or false"},
      {"[recording]\nmax_bytes = -1\n", ":2: recording.max_bytes must be a number from 0 to 9000000000000000"},
      {"recording = 1\n", ":1: [recording] must be a table"},
  };
  for (const auto& [text, expected] : bad) {
    TempFile bad_file(text);
    auto refused = load_config_file(bad_file.path);
    INFO(text);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == bad_file.path + expected);
  }
}

TEST_CASE("[[push]] and [[pull]] entries come from the file; pulls are on demand after 30 s idle by default") {
  TempFile file(R"(
[[push]]
stream = "cam1"
url = "rtmp://a.example/live2/key-1"
[[push]]
stream = "cam1"
url = "rtmp://127.0.0.1:1936/live/backup"
[[pull]]
stream = "edge1"
url = "rtmp://origin:1935/live/cam1"
[[pull]]
stream = "edge2"
url = "rtmp://origin/live/cam2"
on_demand = false
idle_s = 5
)");
  auto config = load_config_file(file.path);
  REQUIRE(config);
  REQUIRE(config->pushes.size() == 2);
  CHECK(config->pushes[1].stream == "cam1");
  CHECK(config->pushes[1].url == "rtmp://127.0.0.1:1936/live/backup");
  REQUIRE(config->pulls.size() == 2);
  CHECK(config->pulls[0].on_demand);
  CHECK(config->pulls[0].idle_s == 30.0);
  CHECK_FALSE(config->pulls[1].on_demand);
  CHECK(config->pulls[1].idle_s == 5.0);
}

TEST_CASE("bad relay entries are refused with their line") {
  for (const char* text : {"[[push]]\nstream = \"cam1\"\n", "[[push]]\nstream = \"cam1\"\nurl = \"http://x/live/a\"\n",
                           "[[pull]]\nstream = \"../x\"\nurl = \"rtmp://o/live/a\"\n",
                           "[[pull]]\nstream = \"a\"\nurl = \"rtmp://o/live/a\"\non_demand = 1\n",
                           "push = 3\n"}) {
    INFO(text);
    TempFile file(text);
    auto config = load_config_file(file.path);
    REQUIRE_FALSE(config);
    CHECK(config.error().message.find(file.path) != std::string::npos);
  }
}

TEST_CASE("HLS is fMP4 with low latency by default; asking for TS gives plain HLS") {
  auto defaults = resolve_config({});
  REQUIRE(defaults);
  CHECK(defaults->hls.format == "fmp4");
  CHECK(defaults->hls.low_latency);
  CHECK(defaults->hls.part_s == Approx(0.33));

  TempFile ts("[hls]\nformat = \"ts\"\n");
  auto plain = load_config_file(ts.path);
  REQUIRE(plain);
  CHECK_FALSE(plain->hls.low_latency);

  TempFile parts("[hls]\nlow_latency = true\npart_s = 0.5\nsegment_s = 4\n");
  auto tuned = load_config_file(parts.path);
  REQUIRE(tuned);
  CHECK(tuned->hls.part_s == Approx(0.5));

  CommandLine off;
  off.config_file = parts.path;
  off.low_latency = false;
  CHECK_FALSE(resolve_config(off)->hls.low_latency);
}

TEST_CASE("low-latency settings that cannot work are refused with their line") {
  TempFile ts_parts("[hls]\nformat = \"ts\"\nlow_latency = true\n");
  auto refused = load_config_file(ts_parts.path);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find(":3: hls.low_latency needs hls.format = \"fmp4\"") != std::string::npos);

  TempFile long_parts("[hls]\npart_s = 1.5\nsegment_s = 2\n");
  auto too_long = load_config_file(long_parts.path);
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().message.find("hls.part_s (1.5) must be at most half of hls.segment_s (2)") != std::string::npos);

  TempFile not_bool("[hls]\nlow_latency = \"yes\"\n");
  REQUIRE_FALSE(load_config_file(not_bool.path));
}

TEST_CASE("the webrtc section sets the UDP address, announced candidates and the B-frame policy; --webrtc wins") {
  auto defaults = resolve_config({});
  REQUIRE(defaults);
  CHECK(defaults->webrtc.udp == Endpoint{"0.0.0.0", 8189});
  CHECK(defaults->webrtc.candidates.empty());
  CHECK(defaults->webrtc.reencode_bframes);

  TempFile file("[webrtc]\nudp = \"127.0.0.1:9000\"\ncandidates = [\"203.0.113.7\", \"2001:db8::1\"]\n"
                "reencode_bframes = false\nmax_sessions = 300\nmax_sessions_per_address = 5\n");
  auto config = load_config_file(file.path);
  REQUIRE(config);
  CHECK(config->webrtc.max_sessions == 300);
  CHECK(config->webrtc.max_sessions_per_address == 5);
  CHECK(config->webrtc.udp == Endpoint{"127.0.0.1", 9000});
  CHECK(config->webrtc.candidates == std::vector<std::string>{"203.0.113.7", "2001:db8::1"});
  CHECK_FALSE(config->webrtc.reencode_bframes);

  CommandLine flags;
  flags.config_file = file.path;
  flags.webrtc = "0.0.0.0:7000";
  auto resolved = resolve_config(flags);
  REQUIRE(resolved);
  CHECK(resolved->webrtc.udp == Endpoint{"0.0.0.0", 7000});

  TempFile bad("[webrtc]\ncandidates = \"203.0.113.7\"\n");
  auto refused = load_config_file(bad.path);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("webrtc.candidates") != std::string::npos);
  TempFile lone_certificate("[webrtc]\ncertificate_file = \"/etc/liverelay/cert.pem\"\n");
  auto refused_certificate = load_config_file(lone_certificate.path);
  REQUIRE_FALSE(refused_certificate);
  CHECK(refused_certificate.error().message.find("go together") != std::string::npos);
  TempFile bad_udp("[webrtc]\nudp = \"nowhere\"\n");
  auto refused_udp = load_config_file(bad_udp.path);
  REQUIRE_FALSE(refused_udp);
  CHECK(refused_udp.error().message.find("webrtc.udp") != std::string::npos);
}

TEST_CASE("[limits] defaults are the documented ones") {
  auto config = parse_config_text("", "liverelay.toml");
  REQUIRE(config);
  const LimitsConfig& limits = config->limits;
  CHECK(limits.max_connections == 10'000);
  CHECK(limits.max_connections_per_address == 2'000);
  CHECK(limits.rtmp_handshake_timeout_s == 10);
  CHECK(limits.publisher_idle_timeout_s == 30);
  CHECK(limits.max_rtmp_message_bytes == 8'388'608);
  CHECK(limits.max_streams == 1'000);
  CHECK(limits.http_max_header_bytes == 16'384);
  CHECK(limits.http_header_timeout_s == 10);
}

TEST_CASE("[limits] keys come from the file; the rest keep their defaults") {
  auto config = parse_config_text("[limits]\nmax_connections = 50\nmax_connections_per_address = 5\n"
                                  "rtmp_handshake_timeout_s = 1.5\npublisher_idle_timeout_s = 2\n"
                                  "max_rtmp_message_bytes = 65536\nmax_streams = 2\n"
                                  "http_max_header_bytes = 1024\n",
                                  "liverelay.toml");
  REQUIRE(config);
  CHECK(config->limits.max_connections == 50);
  CHECK(config->limits.max_connections_per_address == 5);
  CHECK(config->limits.rtmp_handshake_timeout_s == Approx(1.5));
  CHECK(config->limits.publisher_idle_timeout_s == 2);
  CHECK(config->limits.max_rtmp_message_bytes == 65'536);
  CHECK(config->limits.max_streams == 2);
  CHECK(config->limits.http_max_header_bytes == 1024);
  CHECK(config->limits.http_header_timeout_s == 10);
}

TEST_CASE("[limits] values out of range or of the wrong type are refused with file, line, key and range") {
  const std::pair<const char*, const char*> cases[] = {
      {"[limits]\nmax_connections = 0\n", "liverelay.toml:2: limits.max_connections must be an integer from 1 to 1000000"},
      {"[limits]\n\nmax_connections_per_address = 2.5\n",
       "liverelay.toml:3: limits.max_connections_per_address must be an integer from 1 to 1000000"},
      {"[limits]\nmax_rtmp_message_bytes = 16777216\n",
       "liverelay.toml:2: limits.max_rtmp_message_bytes must be an integer from 65536 to 16777215"},
      {"[limits]\nmax_streams = \"many\"\n", "liverelay.toml:2: limits.max_streams must be an integer from 1 to 1000000"},
      {"[limits]\nhttp_max_header_bytes = 512\n",
       "liverelay.toml:2: limits.http_max_header_bytes must be an integer from 1024 to 1048576"},
      {"[limits]\nrtmp_handshake_timeout_s = 0.5\n",
       "liverelay.toml:2: limits.rtmp_handshake_timeout_s must be a number from 1 to 300"},
      {"[limits]\npublisher_idle_timeout_s = 7200\n",
       "liverelay.toml:2: limits.publisher_idle_timeout_s must be a number from 1 to 3600"},
      {"[limits]\nhttp_header_timeout_s = true\n", "liverelay.toml:2: limits.http_header_timeout_s must be a number from 1 to 300"},
      {"limits = 3\n", "liverelay.toml:1: [limits] must be a table"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    auto refused = parse_config_text(text, "liverelay.toml");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == expected);
  }
}
