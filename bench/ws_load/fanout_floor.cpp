// fanout_floor: what this machine's kernel allows a fan-out server at best, with no server in
// the way. N TCP connections over loopback; W writer threads (the "server") write one small
// message to every connection at a steady rate, as a room fans out a comment; R reader threads
// (the "viewers", as ws_load reads them) read with epoll and record each message's delay from
// the moment its fan-out began. No WebSocket framing, JSON or queues: only the write and read
// system calls and the TCP/IP work behind them, so a server's delivery latency on the same
// machine cannot beat these figures.
//
//   fanout_floor [--connections 10000] [--rate 10] [--duration 10] [--writers 1] [--readers 1]
//                [--bytes 120]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "latency_histogram.hpp"

namespace {

using Clock = std::chrono::steady_clock;

uint64_t now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
}

double cpu_seconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

struct Options {
  unsigned connections = 10000;
  double rate = 10;
  double duration = 10;
  unsigned writers = 1;
  unsigned readers = 1;
  unsigned bytes = 120;  // about a comment's WebSocket frame
};

// The listening socket the "server" accepts on and the "viewers" connect to.
int listen_on_loopback(sockaddr_in& address) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  check(listener >= 0, "socket");
  address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  check(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0, "bind");
  check(listen(listener, 4096) == 0, "listen");
  socklen_t length = sizeof(address);
  check(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0, "getsockname");
  return listener;
}

std::vector<int> connect_all(const sockaddr_in& address, unsigned count) {
  std::vector<int> sockets;
  for (unsigned i = 0; i < count; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    check(fd >= 0, "socket (raise the open-file limit)");
    check(connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0, "connect");
    fcntl(fd, F_SETFL, O_NONBLOCK);
    sockets.push_back(fd);
  }
  return sockets;
}

std::vector<int> accept_all(int listener, unsigned count) {
  std::vector<int> sockets;
  for (unsigned i = 0; i < count; ++i) {
    const int fd = accept(listener, nullptr, nullptr);
    check(fd >= 0, "accept");
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));  // as a server's sockets
    fcntl(fd, F_SETFL, O_NONBLOCK);
    sockets.push_back(fd);
  }
  return sockets;
}

// One "viewer" loop: epoll over its share of the connections; every message carries the time
// its fan-out began.
void read_loop(const std::vector<int>& sockets, unsigned bytes, const std::atomic<bool>& done,
               ws_load::LatencyHistogram& latency, std::atomic<uint64_t>& received) {
  const int epoll = epoll_create1(0);
  for (const int fd : sockets) {
    epoll_event event{EPOLLIN, {.fd = fd}};
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
  }
  std::vector<epoll_event> events(1024);
  std::vector<uint8_t> buffer(64 * 1024);
  while (!done.load(std::memory_order_relaxed)) {
    const int ready = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 50);
    for (int e = 0; e < ready; ++e) {
      const ssize_t n = read(events[e].data.fd, buffer.data(), buffer.size());
      const uint64_t arrived = now_ns();
      // Messages are written whole and small: a read holds whole messages.
      for (ssize_t at = 0; at + static_cast<ssize_t>(bytes) <= n; at += bytes) {
        uint64_t began = 0;
        std::memcpy(&began, buffer.data() + at, sizeof(began));
        latency.record(arrived - began);
        received.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }
  close(epoll);
}

// What the viewers' process tells the server's.
struct ViewerReport {
  uint64_t received = 0;
  double cpu_s = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

// The viewers, in a process of their own (each side holds one end of every connection).
ViewerReport run_viewers(const sockaddr_in& address, const Options& options, int ready_pipe) {
  const std::vector<int> sockets = connect_all(address, options.connections);
  std::vector<std::vector<int>> share(options.readers);
  for (size_t i = 0; i < sockets.size(); ++i) share[i % options.readers].push_back(sockets[i]);
  std::atomic<bool> done{false};
  std::vector<ws_load::LatencyHistogram> latency(options.readers);
  std::vector<std::atomic<uint64_t>> received(options.readers);
  const double cpu_before = cpu_seconds(RUSAGE_SELF);
  std::vector<std::thread> readers;
  for (unsigned r = 0; r < options.readers; ++r) {
    readers.emplace_back(read_loop, std::cref(share[r]), options.bytes, std::cref(done), std::ref(latency[r]),
                         std::ref(received[r]));
  }
  const char ready = 'r';
  check(write(ready_pipe, &ready, 1) == 1, "pipe");
  const uint64_t expected = static_cast<uint64_t>(options.rate * options.duration) * options.connections;
  const auto give_up = Clock::now() + std::chrono::duration<double>(options.duration + 30);
  auto total = [&] {
    uint64_t sum = 0;
    for (const auto& count : received) sum += count.load(std::memory_order_relaxed);
    return sum;
  };
  while (total() < expected && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  done = true;
  for (auto& reader : readers) reader.join();
  ws_load::LatencyHistogram all;
  for (const auto& histogram : latency) all.merge(histogram);
  return {all.count(), cpu_seconds(RUSAGE_SELF) - cpu_before, static_cast<double>(all.quantile(0.50)) / 1e6,
          static_cast<double>(all.quantile(0.90)) / 1e6, static_cast<double>(all.quantile(0.99)) / 1e6,
          static_cast<double>(all.max()) / 1e6};
}

// One "server" thread: at every tick, the message goes to each of its connections in turn.
void write_loop(const std::vector<int>& sockets, const Options& options, Clock::time_point start,
                uint64_t& failed_writes) {
  std::vector<uint8_t> message(options.bytes, 'x');
  const auto interval = std::chrono::duration<double>(1.0 / options.rate);
  const auto count = static_cast<unsigned>(options.rate * options.duration);
  for (unsigned k = 0; k < count; ++k) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(interval * k);
    std::this_thread::sleep_until(due);
    const uint64_t began = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(due.time_since_epoch()).count());
    std::memcpy(message.data(), &began, sizeof(began));
    for (const int fd : sockets) {
      if (write(fd, message.data(), message.size()) != static_cast<ssize_t>(message.size())) ++failed_writes;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"fanout_floor: loopback write/read floor for a fan-out of small messages"};
  app.add_option("--connections", options.connections)->capture_default_str();
  app.add_option("--rate", options.rate, "messages per second to every connection")->capture_default_str();
  app.add_option("--duration", options.duration, "seconds")->capture_default_str();
  app.add_option("--writers", options.writers, "writing threads")->check(CLI::Range(1, 16))->capture_default_str();
  app.add_option("--readers", options.readers, "reading threads")->check(CLI::Range(1, 16))->capture_default_str();
  app.add_option("--bytes", options.bytes, "message size")->check(CLI::Range(8, 4096))->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    sockaddr_in address{};
    const int listener = listen_on_loopback(address);
    int report_pipe[2], ready_pipe[2];
    check(pipe(report_pipe) == 0 && pipe(ready_pipe) == 0, "pipe");
    const pid_t viewers = fork();
    check(viewers >= 0, "fork");
    if (viewers == 0) {
      close(listener);
      const ViewerReport report = run_viewers(address, options, ready_pipe[1]);
      check(write(report_pipe[1], &report, sizeof(report)) == sizeof(report), "pipe");
      _exit(0);
    }
    const std::vector<int> sockets = accept_all(listener, options.connections);
    char ready = 0;
    check(read(ready_pipe[0], &ready, 1) == 1, "the viewers' process failed");
    std::vector<std::vector<int>> share(options.writers);
    for (size_t i = 0; i < sockets.size(); ++i) share[i % options.writers].push_back(sockets[i]);
    std::vector<uint64_t> failed(options.writers, 0);
    const double cpu_before = cpu_seconds(RUSAGE_SELF);
    const auto start = Clock::now() + std::chrono::milliseconds(100);
    std::vector<std::thread> writers;
    for (unsigned w = 0; w < options.writers; ++w) {
      writers.emplace_back(write_loop, std::cref(share[w]), std::cref(options), start, std::ref(failed[w]));
    }
    for (auto& writer : writers) writer.join();
    const double writer_cpu = cpu_seconds(RUSAGE_SELF) - cpu_before;
    ViewerReport report;
    check(read(report_pipe[0], &report, sizeof(report)) == sizeof(report), "the viewers' process failed");
    waitpid(viewers, nullptr, 0);
    uint64_t failed_writes = 0;
    for (const uint64_t f : failed) failed_writes += f;
    const uint64_t expected = static_cast<uint64_t>(options.rate * options.duration) * options.connections;
    const double per_delivery = report.received ? 1e6 / static_cast<double>(report.received) : 0.0;
    std::printf(
        "{\"connections\": %u, \"writers\": %u, \"readers\": %u, \"rate\": %g, \"expected\": %llu, "
        "\"received\": %llu, \"failed_writes\": %llu, \"writer_cpu_us_per_delivery\": %.2f, "
        "\"reader_cpu_us_per_delivery\": %.2f, "
        "\"latency_ms\": {\"p50\": %.2f, \"p90\": %.2f, \"p99\": %.2f, \"max\": %.2f}}\n",
        options.connections, options.writers, options.readers, options.rate,
        static_cast<unsigned long long>(expected), static_cast<unsigned long long>(report.received),
        static_cast<unsigned long long>(failed_writes), writer_cpu * per_delivery, report.cpu_s * per_delivery,
        report.p50_ms, report.p90_ms, report.p99_ms, report.max_ms);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fanout_floor: %s\n", e.what());
    return 1;
  }
  return 0;
}
