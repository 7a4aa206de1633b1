// ll_hls_park's command line: CLI11 flags and the http:// URL resolved to a socket address.
#include "park_options.hpp"

#include <netdb.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace ll_hls_park {
namespace {

// http://HOST:PORT/PATH, resolved once (IPv4 or IPv6 literal or a name).
void resolve_url(Options& options) {
  const std::string scheme = "http://";
  if (options.url.rfind(scheme, 0) != 0) throw std::invalid_argument("--url must start with http://");
  std::string rest = options.url.substr(scheme.size());
  size_t slash = rest.find('/');
  options.host_port = rest.substr(0, slash);
  options.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (options.path.find('?') != std::string::npos) {
    throw std::invalid_argument("--url must have no query: the _HLS_ directives are added per request");
  }
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
  CLI::App app{"ll_hls_park: N players parked on LL-HLS blocking playlist reloads of one stream"};
  app.add_option("--url", o.url, "http://HOST:PORT/live/NAME/index.m3u8")->required();
  app.add_option("--players", o.players, "kept-alive connections")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  app.add_option("--rounds", o.rounds, "blocking reloads per player")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "libuv loops (threads)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  app.add_option("--max-pending", o.max_pending, "connects in flight at most")->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "server process whose CPU time and RSS to report");
  app.add_option("--answer-timeout", o.answer_timeout, "seconds a held request may take")
      ->capture_default_str();
  app.add_option("--connect-timeout", o.connect_timeout, "seconds for all connections")
      ->capture_default_str();
  app.add_option(
      "--dump", o.dump_path,
      "write every delivery to this CSV file (msn,part,player,sent_ns,arrived_ns; CLOCK_MONOTONIC)");
  bool summary_only = false;
  app.add_flag("--summary-only", summary_only, "leave the per-round spreads out of the JSON");
  try {
    app.parse(argc, argv);
    o.per_round = !summary_only;
    resolve_url(o);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  } catch (const std::invalid_argument& e) {
    std::cerr << "ll_hls_park: " << e.what() << "\n";
    std::exit(2);
  }
  return o;
}

}  // namespace ll_hls_park
