// ConnectionLimiter: counts in total and per address, refusals by reason, places given back by
// the sockets that hold them (through a real listener on loopback).
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include <uv.h>

#include "server/net/connection_limiter.hpp"
#include "server/net/tcp_connection.hpp"
#include "server/net/tcp_listener.hpp"

using namespace liverelay;
using Refusal = ConnectionLimiter::Refusal;

TEST_CASE("connection limiter refuses an address past its own limit and lets others in") {
  ConnectionLimiter limiter({10, 2});
  auto a1 = limiter.admit("192.0.2.1");
  auto a2 = limiter.admit("192.0.2.1");
  REQUIRE(a1);
  REQUIRE(a2);
  auto a3 = limiter.admit("192.0.2.1");
  REQUIRE_FALSE(a3);
  CHECK(a3.error() == Refusal::per_address);
  auto b1 = limiter.admit("192.0.2.2");
  CHECK(b1);
  CHECK(limiter.open() == 3);
  CHECK(limiter.open_from("192.0.2.1") == 2);
  CHECK(limiter.refused(Refusal::per_address) == 1);
  CHECK(limiter.refused(Refusal::total) == 0);
}

TEST_CASE("connection limiter refuses everyone past the total, then admits once a slot is given back") {
  ConnectionLimiter limiter({3, 100});
  std::vector<ConnectionSlot> slots;
  for (const char* address : {"192.0.2.1", "192.0.2.2", "2001:db8::1"}) {
    auto slot = limiter.admit(address);
    REQUIRE(slot);
    slots.push_back(std::move(*slot));
  }
  auto refused = limiter.admit("192.0.2.9");
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == Refusal::total);
  CHECK(limiter.refused(Refusal::total) == 1);

  slots.erase(slots.begin());  // 192.0.2.1 disconnects
  CHECK(limiter.open() == 2);
  CHECK(limiter.open_from("192.0.2.1") == 0);
  CHECK(limiter.admit("192.0.2.9"));  // the temporary slot is released at once
  CHECK(limiter.open() == 2);
}

TEST_CASE("a connection slot counts once however often it is moved or reset") {
  ConnectionLimiter limiter({10, 1});
  auto admitted = limiter.admit("192.0.2.1");
  REQUIRE(admitted);
  ConnectionSlot moved = std::move(*admitted);
  ConnectionSlot assigned;
  assigned = std::move(moved);
  CHECK_FALSE(moved);  // a moved-from slot is empty: it gives nothing back
  CHECK(assigned);
  CHECK(limiter.open_from("192.0.2.1") == 1);
  CHECK_FALSE(limiter.admit("192.0.2.1"));
  assigned.reset();
  assigned.reset();
  CHECK(limiter.open() == 0);
  CHECK(limiter.admit("192.0.2.1"));
}

namespace {

// A listener on 127.0.0.1 with a limiter, and clients connecting to it through the same loop.
struct LoopbackServer {
  uv_loop_t loop{};
  ConnectionLimiter limiter;
  std::unique_ptr<TcpListener> listener;
  std::vector<std::unique_ptr<TcpConnection>> accepted;
  std::vector<uv_tcp_t*> clients;

  explicit LoopbackServer(ConnectionLimits limits) : limiter(limits) {
    uv_loop_init(&loop);
    auto listening = TcpListener::listen(
        &loop, Endpoint{"127.0.0.1", 0},
        [this](uv_tcp_t* handle, ConnectionSlot slot) {
          accepted.push_back(std::make_unique<TcpConnection>(handle, std::move(slot)));
        },
        &limiter);
    REQUIRE(listening);
    listener = std::move(*listening);
  }

  ~LoopbackServer() {
    accepted.clear();
    listener.reset();
    for (uv_tcp_t* client : clients) {
      uv_close(reinterpret_cast<uv_handle_t*>(client),
               [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    }
    close_lingering_connections();
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }

  void connect_client() {
    auto* client = new uv_tcp_t{};
    uv_tcp_init(&loop, client);
    clients.push_back(client);
    auto address = listener->local_endpoint().to_sockaddr();
    REQUIRE(address);
    auto* request = new uv_connect_t{};
    REQUIRE(uv_tcp_connect(request, client, reinterpret_cast<const sockaddr*>(&*address),
                           [](uv_connect_t* r, int) { delete r; }) == 0);
  }

  // Runs the loop until `done` or a bounded number of turns (each waits at most 10 ms).
  template <class Done>
  bool run_until(Done done) {
    uv_timer_t tick;
    uv_timer_init(&loop, &tick);
    uv_timer_start(
        &tick, [](uv_timer_t*) {}, 10, 10);
    for (int turn = 0; turn < 500 && !done(); ++turn) uv_run(&loop, UV_RUN_ONCE);
    uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
    uv_run(&loop, UV_RUN_NOWAIT);
    return done();
  }
};

}  // namespace

TEST_CASE(
    "a listener with a limiter closes the connection past the limit and counts it; closing frees the place") {
  LoopbackServer server({100, 2});
  for (int i = 0; i < 3; ++i) server.connect_client();
  REQUIRE(server.run_until(
      [&] { return server.accepted.size() + server.limiter.refused(Refusal::per_address) == 3; }));
  CHECK(server.accepted.size() == 2);
  CHECK(server.limiter.refused(Refusal::per_address) == 1);
  CHECK(server.limiter.open_from("127.0.0.1") == 2);

  // A socket closed at once gives its place back at once.
  server.accepted[0]->close();
  CHECK(server.limiter.open() == 1);
  // A socket handed to a new owner (a WebSocket upgrade) keeps its place with it.
  std::unique_ptr<TcpConnection> upgraded = std::move(server.accepted[1]);
  server.accepted.clear();
  CHECK(server.limiter.open() == 1);
  // A graceful close keeps the place until the socket is really gone (the peer closes too).
  upgraded->close_after_flush();
  upgraded.reset();
  CHECK(server.limiter.open() == 1);
  for (uv_tcp_t* client : server.clients) {
    uv_close(reinterpret_cast<uv_handle_t*>(client),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
  }
  server.clients.clear();
  CHECK(server.run_until([&] { return server.limiter.open() == 0; }));

  server.connect_client();
  CHECK(server.run_until([&] { return server.accepted.size() == 1; }));
  CHECK(server.limiter.open_from("127.0.0.1") == 1);
}
