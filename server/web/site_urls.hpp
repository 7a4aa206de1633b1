// The URLs a newcomer needs at start: where to watch and where to publish, spelled with the
// address the server actually bound.
#pragma once

#include <string>

#include "server/net/endpoint.hpp"

namespace liverelay {

struct SiteUrls {
  std::string directory;  // http://HOST:PORT/
  std::string dashboard;  // http://HOST:PORT/dashboard
  std::string publish;    // rtmp://HOST:PORT/live/<stream-key>
};

// A host a browser can open: "localhost" for a wildcard bind (0.0.0.0, ::), brackets around
// an IPv6 address.
std::string browsable_host(const std::string& host);

SiteUrls site_urls(const Endpoint& http, const Endpoint& rtmp);

}  // namespace liverelay
