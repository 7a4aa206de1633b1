// What one whep_load run is asked to do, from the command line.
#pragma once

#include <cstdint>
#include <string>

namespace whep_load {

struct Options {
  std::string url;        // http://HOST:PORT/live/NAME/whep
  uint32_t viewers = 50;  // WHEP sessions, each with its own UDP socket
  unsigned threads = 1;
  // Viewer i sends from 127.0.0.(1 + i % source_addresses): liverelay takes at most 50 WHEP
  // sessions per client address, so 200 loopback viewers need 4 of them.
  unsigned source_addresses = 1;  // epoll loops sharing the viewers
  double warmup = 5;    // seconds after every viewer connected (or the connect deadline) before the window
  double seconds = 20;  // the measured window
  double connect_timeout = 30;
  int server_pid = 0;           // for the server's CPU time and RSS over the window
  bool delete_sessions = true;  // DELETE every session at the end, as a leaving browser does
  std::string trace_path;       // CSV of viewer 0's RTP arrivals over the window (kind,seq,timestamp,ns)
  double delete_budget = 20;    // seconds for those DELETEs; the rest are left to consent expiry
};

// Parses argv (CLI11); exits with usage on a bad command line.
Options parse_options(int argc, char** argv);

}  // namespace whep_load
