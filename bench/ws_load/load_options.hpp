// What one ws_load run is asked to do, from the command line.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>

namespace ws_load {

struct Options {
  std::string url;        // ws://HOST:PORT/live/NAME/ws
  std::string host_port;  // for the Host header
  std::string path;
  sockaddr_storage address{};

  uint32_t viewers = 100;      // idle receivers
  uint32_t senders = 1;        // receive too, and send the comments
  double rate = 1;             // comments per second across all senders (fixed-rate mode)
  bool flood = false;          // send as fast as deliveries come back, within `window`
  uint32_t window = 8;         // flood: comments whose deliveries are not all in yet
  double sender_cap = 0;       // most comments per second from one sender; 0 = no cap
  double duration = 10;        // seconds of sending
  double connect_rate = 2000;  // new connections per second while ramping up
  uint32_t max_pending = 256;  // connections in their handshake at once
  unsigned threads = 1;        // one libuv loop each
  int server_pid = 0;          // for RSS and CPU time of the server under test
  double settle = 2;           // seconds between the last connection and the RSS reading
  double drain_timeout = 30;   // seconds to wait for deliveries after sending stops
  double connect_timeout = 0;  // 0: three times the ramp time plus 30 s
  bool json = false;
};

// Parses argv into options (CLI11); exits with usage on a bad command line.
Options parse_options(int argc, char** argv);

}  // namespace ws_load
