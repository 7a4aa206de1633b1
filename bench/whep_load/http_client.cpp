// The blocking HTTP/1.1 client: a request written at once, the reply read to the end.
#include "http_client.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace whep_load {
namespace {

using liverelay::Errc;
using liverelay::fail;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

liverelay::Result<void> send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return fail(Errc::io, fmt::format("send: {}", std::strerror(errno)));
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return {};
}

liverelay::Result<std::string> read_all(int fd) {
  std::string reply;
  char buffer[16384];
  for (;;) {
    const ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(Errc::io, fmt::format("recv: {}", std::strerror(errno)));
    if (got == 0) return reply;
    reply.append(buffer, static_cast<size_t>(got));
  }
}

bool header_is(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' &&
         std::equal(name.begin(), name.end(), line.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

liverelay::Result<HttpReply> parse_reply(const std::string& text) {
  const size_t head_end = text.find("\r\n\r\n");
  if (!text.starts_with("HTTP/1.") || head_end == std::string::npos || text.size() < 12)
    return fail(Errc::malformed, "not an HTTP/1.x reply");
  HttpReply reply;
  reply.status = std::atoi(text.c_str() + 9);
  size_t at = text.find("\r\n") + 2;
  while (at < head_end) {
    const size_t end = text.find("\r\n", at);
    const std::string_view line(text.data() + at, end - at);
    if (header_is(line, "location")) {
      std::string_view value = line.substr(9);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      reply.location = value;
    }
    at = end + 2;
  }
  reply.body = text.substr(head_end + 4);
  return reply;
}

}  // namespace

liverelay::Result<HttpUrl> parse_http_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return fail(Errc::malformed, "the URL must start with http://");
  HttpUrl out;
  const std::string rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  out.host_port = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  const size_t colon = out.host_port.rfind(':');
  const std::string host = out.host_port.substr(0, colon);
  const std::string port = colon == std::string::npos ? "80" : out.host_port.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int error = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); error != 0)
    return fail(Errc::io, fmt::format("resolve {}: {}", out.host_port, gai_strerror(error)));
  std::memcpy(&out.address, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  return out;
}

liverelay::Result<void> bind_source(int fd, const std::string& ip) {
  sockaddr_in local{};
  local.sin_family = AF_INET;
  if (inet_pton(AF_INET, ip.c_str(), &local.sin_addr) != 1)
    return fail(Errc::malformed, "source address " + ip + " is not IPv4");
  if (bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0)
    return fail(Errc::io, fmt::format("bind {}: {}", ip, std::strerror(errno)));
  return {};
}

liverelay::Result<HttpReply> http_request(const HttpUrl& server, std::string_view method,
                                          std::string_view path, std::string_view content_type,
                                          std::string_view body, const std::string& source_ip) {
  Fd fd(socket(server.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return fail(Errc::io, fmt::format("socket: {}", std::strerror(errno)));
  if (!source_ip.empty()) {
    if (auto bound = bind_source(fd.get(), source_ip); !bound) return tl::unexpected(bound.error());
  }
  const timeval timeout{10, 0};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  const socklen_t size = server.address.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&server.address), size) != 0)
    return fail(Errc::io, fmt::format("connect {}: {}", server.host_port, std::strerror(errno)));
  std::string request =
      fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: whep_load\r\nConnection: close\r\n", method,
                  path, server.host_port);
  if (!content_type.empty()) request += fmt::format("Content-Type: {}\r\n", content_type);
  request += fmt::format("Content-Length: {}\r\n\r\n", body.size());
  request += body;
  if (auto sent = send_all(fd.get(), request); !sent) return tl::unexpected(sent.error());
  auto text = read_all(fd.get());
  if (!text) return tl::unexpected(text.error());
  auto reply = parse_reply(*text);
  if (!reply) return tl::unexpected(std::move(reply.error()).context(fmt::format("{} {}", method, path)));
  return reply;
}

}  // namespace whep_load
