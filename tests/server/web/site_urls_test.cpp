// site_urls: what the start-up log tells a newcomer to open and to publish to.
#include "server/web/site_urls.hpp"

#include <catch2/catch.hpp>

using namespace liverelay;

TEST_CASE("a wildcard bind is printed as localhost with the bound ports") {
  const SiteUrls urls = site_urls({"0.0.0.0", 8080}, {"0.0.0.0", 1935});
  CHECK(urls.directory == "http://localhost:8080/");
  CHECK(urls.dashboard == "http://localhost:8080/dashboard");
  CHECK(urls.publish == "rtmp://localhost:1935/live/<stream-key>");
}

TEST_CASE("a specific address is printed as bound, IPv6 in brackets") {
  const SiteUrls urls = site_urls({"192.168.1.20", 18080}, {"::1", 11935});
  CHECK(urls.directory == "http://192.168.1.20:18080/");
  CHECK(urls.publish == "rtmp://[::1]:11935/live/<stream-key>");
  CHECK(browsable_host("::") == "localhost");
}
