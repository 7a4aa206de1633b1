// site_urls: endpoints to the URLs the start-up log prints.
#include "server/web/site_urls.hpp"

#include <fmt/format.h>

namespace liverelay {

std::string browsable_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0" || host == "::") return "localhost";
  if (host.find(':') != std::string::npos) return fmt::format("[{}]", host);
  return host;
}

SiteUrls site_urls(const Endpoint& http, const Endpoint& rtmp) {
  const std::string web = fmt::format("http://{}:{}", browsable_host(http.host), http.port);
  return {web + "/", web + "/dashboard",
          fmt::format("rtmp://{}:{}/live/<stream-key>", browsable_host(rtmp.host), rtmp.port)};
}

}  // namespace liverelay
