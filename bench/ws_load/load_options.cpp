// ws_load's command line: CLI11 flags and the ws:// URL resolved to a socket address.
#include "load_options.hpp"

#include <netdb.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace ws_load {
namespace {

// ws://HOST:PORT/PATH, resolved once (IPv4 or IPv6 literal or a name).
void resolve_url(Options& options) {
  const std::string scheme = "ws://";
  if (options.url.rfind(scheme, 0) != 0) throw std::invalid_argument("--url must start with ws://");
  std::string rest = options.url.substr(scheme.size());
  size_t slash = rest.find('/');
  options.host_port = rest.substr(0, slash);
  options.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host = options.host_port, port = "80";
  if (!host.empty() && host.front() == '[') {  // [IPv6]:PORT
    size_t close = host.find(']');
    if (close == std::string::npos) throw std::invalid_argument("bad host in --url");
    if (close + 1 < host.size() && host[close + 1] == ':') port = host.substr(close + 2);
    host = host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int error = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); error != 0) {
    throw std::invalid_argument("cannot resolve " + options.host_port + ": " + gai_strerror(error));
  }
  std::memcpy(&options.address, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{"ws_load: WebSocket fan-out load generator (idle viewers, comment senders, delivery latency)"};
  app.add_option("--url", o.url, "ws://HOST:PORT/live/NAME/ws")->required();
  app.add_option("--viewers", o.viewers, "idle receiving connections")->capture_default_str();
  app.add_option("--senders", o.senders, "connections that send comments (and receive)")
      ->capture_default_str();
  app.add_option("--rate", o.rate, "comments per second across all senders")->capture_default_str();
  app.add_flag("--flood", o.flood, "send as fast as deliveries return (closed loop, see --window)");
  app.add_option("--window", o.window, "flood: comments in flight at most")->capture_default_str();
  app.add_option("--sender-cap", o.sender_cap, "most comments per second per sender (0: none)")
      ->capture_default_str();
  app.add_option("--duration", o.duration, "seconds of sending")->capture_default_str();
  app.add_option("--connect-rate", o.connect_rate, "connections opened per second")->capture_default_str();
  app.add_option("--max-pending", o.max_pending, "handshakes in flight at most")->capture_default_str();
  app.add_option("--threads", o.threads, "libuv loops (threads)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "server process whose RSS and CPU time to report");
  app.add_option("--settle", o.settle, "seconds after connecting before reading RSS")->capture_default_str();
  app.add_option("--drain-timeout", o.drain_timeout, "seconds to wait for late deliveries")
      ->capture_default_str();
  app.add_option("--connect-timeout", o.connect_timeout, "seconds for all connections (0: auto)");
  app.add_flag("--json", o.json, "print one JSON object instead of text");
  try {
    app.parse(argc, argv);
    resolve_url(o);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  } catch (const std::invalid_argument& e) {
    std::cerr << "ws_load: " << e.what() << "\n";
    std::exit(2);
  }
  return o;
}

}  // namespace ws_load
