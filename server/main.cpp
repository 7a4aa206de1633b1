// liverelay's entry point: flags, configuration, logging, then the server loop.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "server/app.hpp"
#include "server/logging.hpp"

int main(int argc, char** argv) {
  using liverelay::CommandLine;
  CommandLine command_line;
  CLI::App cli{"liverelay: live video relay server (RTMP in; HLS, WebSocket and stats out)"};
  cli.set_version_flag("--version", LIVERELAY_VERSION);
  cli.add_option("-c,--config", command_line.config_file, "TOML config file (flags win over it)");
  cli.add_option("--rtmp", command_line.rtmp, "RTMP listen address HOST:PORT (default 0.0.0.0:1935)");
  cli.add_option("--http", command_line.http, "HTTP/WebSocket listen address HOST:PORT (default 0.0.0.0:8080)");
  cli.add_option("--webrtc", command_line.webrtc, "WebRTC (WHEP) UDP address HOST:PORT (default 0.0.0.0:8189)");
  cli.add_option("--data-dir", command_line.data_dir, "directory for stored data (default ./data)");
  cli.add_option("--log-level", command_line.log_level, "trace, debug, info, warn, error or off (default info)");
  cli.add_option("--web-root", command_line.web_root,
                 "folder of the web pages and their npm packages (default " LIVERELAY_WEB_ROOT ")");
  // Callbacks rather than a flag bound to the optional: an absent flag must leave the config alone.
  cli.add_flag_callback("--hls-low-latency", [&] { command_line.low_latency = true; },
                        "low-latency HLS: fMP4 parts and blocking playlist reload (RFC 8216bis)");
  cli.add_flag_callback("--no-hls-low-latency", [&] { command_line.low_latency = false; },
                        "plain HLS (segments only), whatever the config says");
  CLI11_PARSE(cli, argc, argv);

  auto config = liverelay::resolve_config(command_line);
  if (!config) {
    std::fprintf(stderr, "liverelay: config: %s\n", config.error().message.c_str());
    return 2;
  }
  if (auto logging = liverelay::init_logging(config->log_level); !logging) {
    std::fprintf(stderr, "liverelay: %s\n", logging.error().message.c_str());
    return 2;
  }
  liverelay::App app(std::move(*config));
  if (auto ran = app.run(); !ran) {
    liverelay::logger("server")->error("{}", ran.error().message);
    return 1;
  }
  return 0;
}
