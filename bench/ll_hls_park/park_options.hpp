// What one ll_hls_park run is asked to do, from the command line.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>

namespace ll_hls_park {

struct Options {
  std::string url;        // http://HOST:PORT/live/NAME/index.m3u8
  std::string host_port;  // for the Host header
  std::string path;       // /live/NAME/index.m3u8
  sockaddr_storage address{};

  uint32_t players = 1000;     // kept-alive connections, each parked on every part
  uint32_t rounds = 30;        // blocking reloads per player
  unsigned threads = 2;        // one libuv loop each, owning every threads-th player
  uint32_t max_pending = 128;  // connects in flight at once, across threads
  int server_pid = 0;          // for the server's CPU time and RSS while the players are parked
  double answer_timeout = 15;  // seconds a held request may take before the player gives up
  double connect_timeout = 30;
  bool per_round = true;  // the spread of every round in the JSON
  std::string dump_path;  // every delivery as CSV, for lining up with a server trace
};

// Parses argv into options (CLI11); exits with usage on a bad command line.
Options parse_options(int argc, char** argv);

}  // namespace ll_hls_park
