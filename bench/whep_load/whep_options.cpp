// whep_load's command line.
#include "whep_options.hpp"

#include <CLI/CLI.hpp>

namespace whep_load {

Options parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{"whep_load: N WHEP viewers of one stream; counts what each receives over a window"};
  app.add_option("--url", o.url, "the WHEP endpoint, http://HOST:PORT/live/NAME/whep")->required();
  app.add_option("--viewers", o.viewers, "sessions")->check(CLI::Range(1u, 20000u))->capture_default_str();
  app.add_option("--threads", o.threads, "epoll loops")->check(CLI::Range(1u, 64u))->capture_default_str();
  app.add_option("--source-addresses", o.source_addresses, "viewer i sends from 127.0.0.(1 + i % N)")
      ->check(CLI::Range(1u, 250u))
      ->capture_default_str();
  app.add_option("--warmup", o.warmup, "seconds between all connected and the window")->capture_default_str();
  app.add_option("--seconds", o.seconds, "the measured window, in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--connect-timeout", o.connect_timeout, "seconds for every viewer to connect")
      ->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "the server's pid: its CPU and RSS over the window");
  app.add_option("--trace", o.trace_path, "CSV of the first viewer's RTP arrivals over the window");
  app.add_option("--delete-budget", o.delete_budget, "seconds for the DELETEs at the end")
      ->capture_default_str();
  app.add_flag("!--no-delete", o.delete_sessions, "leave the sessions for consent expiry instead of DELETE");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    std::exit(app.exit(error));
  }
  return o;
}

}  // namespace whep_load
