// WebhookClient on a real loop against loopback sockets: answers, refusals, timeouts, cancels.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/hooks/webhook_client.hpp"
#include "server/net/timer.hpp"

using namespace liverelay;

namespace {

// A loop that must end with every handle closed.
struct CheckedLoop {
  uv_loop_t loop{};
  CheckedLoop() { uv_loop_init(&loop); }
  ~CheckedLoop() {
    uv_run(&loop, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop) == 0);
  }
  // Runs until `done` or a 5 s safety deadline.
  template <class Done>
  void run_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) uv_run(&loop, UV_RUN_ONCE);
  }
};

// A listening socket that never accepts: the kernel completes the connection, nobody answers.
struct SilentListener {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  explicit SilentListener(bool listening = true) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t length = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    port = ntohs(addr.sin_port);
    if (listening) REQUIRE(::listen(fd, 8) == 0);
  }
  ~SilentListener() { ::close(fd); }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/hook"; }
};

// An HTTP server on the loop answering each complete request (head + `body`) with `status`.
class Responder {
 public:
  Responder(uv_loop_t* loop, int status, std::string body)
      : loop_(loop), status_(status), body_(std::move(body)) {
    uv_tcp_init(loop_, &server_);
    server_.data = this;
    sockaddr_in addr{};
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_bind(&server_, reinterpret_cast<const sockaddr*>(&addr), 0);
    uv_listen(reinterpret_cast<uv_stream_t*>(&server_), 8, &Responder::on_connection);
    int length = sizeof addr;
    uv_tcp_getsockname(&server_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
  }
  ~Responder() {
    for (uv_tcp_t* client : clients_) {
      uv_close(reinterpret_cast<uv_handle_t*>(client),
               [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    }
    uv_close(reinterpret_cast<uv_handle_t*>(&server_), nullptr);
    uv_run(loop_, UV_RUN_DEFAULT);  // the server handle lives in this object
  }
  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/on_publish";
  }
  [[nodiscard]] const std::string& received() const { return received_; }

 private:
  static void on_connection(uv_stream_t* server, int status) {
    auto* self = static_cast<Responder*>(server->data);
    if (status < 0) return;
    auto* client = new uv_tcp_t{};
    uv_tcp_init(self->loop_, client);
    client->data = self;
    uv_accept(server, reinterpret_cast<uv_stream_t*>(client));
    self->clients_.push_back(client);
    uv_read_start(
        reinterpret_cast<uv_stream_t*>(client),
        [](uv_handle_t*, size_t, uv_buf_t* buf) {
          static char buffer[4096];
          *buf = uv_buf_init(buffer, sizeof buffer);
        },
        &Responder::on_read);
  }
  static void on_read(uv_stream_t* client, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<Responder*>(client->data);
    if (nread <= 0) return;
    self->received_.append(buf->base, static_cast<size_t>(nread));
    if (!self->received_.ends_with(self->body_)) return;
    const std::string answer =
        "HTTP/1.1 " + std::to_string(self->status_) + " Whatever\r\nContent-Length: 0\r\n\r\n";
    uv_buf_t out = uv_buf_init(const_cast<char*>(answer.data()), static_cast<unsigned>(answer.size()));
    uv_try_write(client, &out, 1);
  }

  uv_loop_t* loop_;
  int status_;
  std::string body_;
  uv_tcp_t server_{};
  int port_ = 0;
  std::vector<uv_tcp_t*> clients_;
  std::string received_;
};

}  // namespace

TEST_CASE("webhook client POSTs the JSON and reports the answer's status on the loop") {
  CheckedLoop loop;
  const std::string body = R"({"action":"on_publish","stream":"alice"})";
  Responder responder(&loop.loop, 204, body);
  std::optional<Result<long>> outcome;
  {
    WebhookClient client(&loop.loop, 3.0);
    auto id = client.post(responder.url(), body, [&](Result<long> status) { outcome = std::move(status); });
    REQUIRE(id);
    CHECK_FALSE(outcome);  // never from inside post()
    loop.run_until([&] { return outcome.has_value(); });
    CHECK(client.in_flight() == 0);
  }
  REQUIRE(outcome);
  REQUIRE(*outcome);
  CHECK(**outcome == 204);
  CHECK(responder.received().starts_with("POST /on_publish HTTP/1.1\r\n"));
  CHECK(responder.received().find("Content-Type: application/json\r\n") != std::string::npos);
}

TEST_CASE("webhook client reports any status, not only 2xx") {
  CheckedLoop loop;
  Responder responder(&loop.loop, 403, "{}");
  std::optional<Result<long>> outcome;
  WebhookClient client(&loop.loop, 3.0);
  REQUIRE(client.post(responder.url(), "{}", [&](Result<long> status) { outcome = std::move(status); }));
  loop.run_until([&] { return outcome.has_value(); });
  REQUIRE(outcome);
  REQUIRE(*outcome);
  CHECK(**outcome == 403);
}

TEST_CASE("webhook client reports a refused connection as an error") {
  CheckedLoop loop;
  SilentListener closed_port(false);  // bound, not listening: connections are refused
  std::optional<Result<long>> outcome;
  WebhookClient client(&loop.loop, 3.0);
  REQUIRE(client.post(closed_port.url(), "{}", [&](Result<long> status) { outcome = std::move(status); }));
  CHECK_FALSE(outcome);
  loop.run_until([&] { return outcome.has_value(); });
  REQUIRE(outcome);
  REQUIRE_FALSE(*outcome);
  CHECK(outcome->error().code == Errc::io);
}

TEST_CASE("webhook client gives up on a silent target after its timeout") {
  CheckedLoop loop;
  SilentListener silent;
  std::optional<Result<long>> outcome;
  WebhookClient client(&loop.loop, 0.3);
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(client.post(silent.url(), "{}", [&](Result<long> status) { outcome = std::move(status); }));
  loop.run_until([&] { return outcome.has_value(); });
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(outcome);
  REQUIRE_FALSE(*outcome);
  CHECK(outcome->error().code == Errc::closed);
  CHECK(elapsed >= std::chrono::milliseconds(290));
  CHECK(elapsed < std::chrono::seconds(3));
}

TEST_CASE("a cancelled webhook request never calls back") {
  CheckedLoop loop;
  SilentListener silent;
  int calls = 0;
  WebhookClient client(&loop.loop, 0.3);
  auto id = client.post(silent.url(), "{}", [&](Result<long>) { ++calls; });
  REQUIRE(id);
  uv_run(&loop.loop, UV_RUN_NOWAIT);  // connecting
  client.cancel(*id);
  client.cancel(*id);  // twice: ignored
  CHECK(client.in_flight() == 0);
  Timer wait(&loop.loop);
  bool waited = false;
  wait.start(500, 0, [&] { waited = true; });  // past the timeout the request would have had
  loop.run_until([&] { return waited; });
  CHECK(calls == 0);
}

TEST_CASE("destroying or stopping the webhook client with requests in flight calls nothing back") {
  CheckedLoop loop;
  SilentListener silent;
  int calls = 0;
  {
    WebhookClient client(&loop.loop, 5.0);
    for (int i = 0; i < 3; ++i) REQUIRE(client.post(silent.url(), "{}", [&](Result<long>) { ++calls; }));
    uv_run(&loop.loop, UV_RUN_NOWAIT);
    CHECK(client.in_flight() == 3);
    client.stop();
    CHECK(client.in_flight() == 0);
    CHECK_FALSE(client.post(silent.url(), "{}", [&](Result<long>) { ++calls; }));
    REQUIRE(client.post(silent.url(), "{}", [&](Result<long>) { ++calls; }).error().code == Errc::closed);
  }
  {
    WebhookClient client(&loop.loop, 5.0);
    REQUIRE(client.post(silent.url(), "{}", [&](Result<long>) { ++calls; }));
    uv_run(&loop.loop, UV_RUN_NOWAIT);
  }                                    // destroyed in flight
  uv_run(&loop.loop, UV_RUN_DEFAULT);  // nothing left to keep the loop alive
  CHECK(calls == 0);
}
