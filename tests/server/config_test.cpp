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
