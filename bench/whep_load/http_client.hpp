// A blocking HTTP/1.1 client for the few WHEP requests of a run: POST the offer, DELETE the
// session. One connection per request (Connection: close), so the body ends with the stream.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

#include "protocol/core/error.hpp"

namespace whep_load {

struct HttpUrl {
  std::string host_port;  // for the Host header
  std::string path;       // /live/NAME/whep
  sockaddr_storage address{};
};

// http://HOST:PORT/PATH, resolved once.
liverelay::Result<HttpUrl> parse_http_url(const std::string& url);

struct HttpReply {
  int status = 0;
  std::string location;  // the Location header, as sent
  std::string body;
};

// One request on a fresh connection, with a 10 s receive timeout; from `source_ip` (an IPv4
// address to bind to, e.g. 127.0.0.2) when it is not empty.
liverelay::Result<HttpReply> http_request(const HttpUrl& server, std::string_view method,
                                          std::string_view path, std::string_view content_type = {},
                                          std::string_view body = {}, const std::string& source_ip = {});

// Binds `fd` to `ip`, port 0 (IPv4 only).
liverelay::Result<void> bind_source(int fd, const std::string& ip);

}  // namespace whep_load
