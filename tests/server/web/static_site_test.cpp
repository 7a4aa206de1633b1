// StaticSite: only whitelisted files, with their types, caching and CSP; the player for any
// valid stream name; /live/<name> redirected to its folder.
#include "server/web/static_site.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/server/storage/temp_dir.hpp"

using namespace liverelay;
using liverelay::testing::TempDir;

namespace {

void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A web root shaped like web/: pages, static files, node_modules with more than we serve.
struct WebRoot {
  TempDir dir;
  WebRoot() {
    write(dir.path() / "pages/index.html", "<!doctype html><title>directory</title>");
    write(dir.path() / "pages/player.html", "<!doctype html><title>player</title>");
    write(dir.path() / "pages/dashboard.html", "<!doctype html><title>dashboard</title>");
    write(dir.path() / "pages/replay.html", "<!doctype html><title>replay</title>");
    write(dir.path() / "static/player.js", "export const x = 1;\n");
    write(dir.path() / "static/site.css", "body{}\n");
    write(dir.path() / "static/notes.txt", "not a type we serve\n");
    write(dir.path() / "node_modules/hls.js/dist/hls.min.js", "var Hls;\n");
    write(dir.path() / "node_modules/hls.js/package.json", "{}\n");
    write(dir.path() / "node_modules/uplot/dist/uPlot.iife.min.js", "var uPlot;\n");
    write(dir.path() / "node_modules/uplot/dist/uPlot.min.css", ".uplot{}\n");
    write(dir.path() / "package.json", "{}\n");
  }
};

HttpRequest get(std::string path, std::string method = "GET") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.headers = {{"host", "127.0.0.1:8080"}};
  return request;
}

std::string body_of(const HttpResponse& response) {
  const auto bytes = response.bytes();
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string header_of(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace

TEST_CASE("the static site serves the four pages with their content type and a CSP") {
  WebRoot root;
  StaticSite site(root.dir.path().string());
  REQUIRE(site.has_pages());
  for (const auto& [path, title] : {std::pair{"/", "directory"},
                                    {"/dashboard", "dashboard"},
                                    {"/live/cam1/", "player"},
                                    {"/live/cam1/replay/42", "replay"}}) {
    auto response = site.route(get(path));
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->content_type == "text/html; charset=utf-8");
    CHECK(body_of(*response).find(title) != std::string::npos);
    CHECK(header_of(*response, "Cache-Control") == "no-cache");
    const std::string csp = header_of(*response, "Content-Security-Policy");
    CHECK(csp.find("script-src 'self';") != std::string::npos);
    CHECK(csp.find("worker-src 'self' blob:") != std::string::npos);
    CHECK(csp.find("connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080;") != std::string::npos);
  }
}

TEST_CASE("the static site serves static files and the vendor files, nothing else from node_modules") {
  WebRoot root;
  StaticSite site(root.dir.path().string());
  auto script = site.route(get("/static/player.js"));
  REQUIRE(script);
  CHECK(script->content_type == "text/javascript; charset=utf-8");
  CHECK(body_of(*script) == "export const x = 1;\n");
  CHECK(site.route(get("/static/site.css"))->content_type == "text/css; charset=utf-8");
  auto hls = site.route(get("/vendor/hls.min.js"));
  REQUIRE(hls);
  CHECK(body_of(*hls) == "var Hls;\n");
  CHECK(header_of(*hls, "Cache-Control") == "public, max-age=86400");
  CHECK(site.route(get("/vendor/uPlot.iife.min.js")));
  CHECK(site.route(get("/vendor/uPlot.min.css"))->content_type == "text/css; charset=utf-8");

  CHECK_FALSE(site.route(get("/static/notes.txt")));
  CHECK_FALSE(site.route(get("/node_modules/hls.js/package.json")));
  CHECK_FALSE(site.route(get("/vendor/package.json")));
  CHECK_FALSE(site.route(get("/package.json")));
  CHECK_FALSE(site.route(get("/pages/index.html")));
  CHECK_FALSE(site.route(get("/static/")));
}

TEST_CASE("the player page answers valid stream names only and leaves HLS files alone") {
  WebRoot root;
  StaticSite site(root.dir.path().string());
  CHECK(site.route(get("/live/Cam-1_a.b/")));
  CHECK_FALSE(site.route(get("/live/.hidden/")));
  CHECK_FALSE(site.route(get("/live//")));
  CHECK_FALSE(site.route(get("/live/cam1/index.m3u8")));
  CHECK_FALSE(site.route(get("/live/cam1/ws")));
}

TEST_CASE("the replay page answers /live/<name>/replay/<id> for valid names and numeric ids only") {
  WebRoot root;
  StaticSite site(root.dir.path().string());
  CHECK(body_of(*site.route(get("/live/Cam-1_a.b/replay/7"))).find("replay") != std::string::npos);
  CHECK_FALSE(site.route(get("/live/cam1/replay/")));
  CHECK_FALSE(site.route(get("/live/cam1/replay/x1")));
  CHECK_FALSE(site.route(get("/live/cam1/replay/-1")));
  CHECK_FALSE(site.route(get("/live/cam1/replay/1234567890123456789")));
  CHECK_FALSE(site.route(get("/live/.hidden/replay/1")));
  CHECK_FALSE(site.route(get("/live/cam1/replay/42/index.m3u8")));
  CHECK_FALSE(site.route(get("/live/cam1/replay/42/0.ts")));
  // A stream may be called "replay": its player is still its player.
  CHECK(body_of(*site.route(get("/live/replay/"))).find("player") != std::string::npos);
  auto slash = site.route(get("/live/cam1/replay/42/"));
  REQUIRE(slash);
  CHECK(slash->status == 301);
  CHECK(header_of(*slash, "Location") == "/live/cam1/replay/42");
  CHECK(site.route(get("/live/cam1/replay/42", "POST"))->status == 405);
}

TEST_CASE("/live/<name> without its slash is redirected to the player's folder, query kept") {
  WebRoot root;
  StaticSite site(root.dir.path().string());
  auto plain = site.route(get("/live/cam1"));
  REQUIRE(plain);
  CHECK(plain->status == 301);
  CHECK(header_of(*plain, "Location") == "/live/cam1/");
  HttpRequest with_query = get("/live/cam1");
  with_query.query = "muted=0";
  CHECK(header_of(*site.route(with_query), "Location") == "/live/cam1/?muted=0");
}

TEST_CASE("the static site answers GET and HEAD, 405 for other methods") {
  WebRoot root;
  StaticSite site(root.dir.path().string());
  CHECK(site.route(get("/", "HEAD"))->status == 200);
  auto post = site.route(get("/", "POST"));
  REQUIRE(post);
  CHECK(post->status == 405);
  CHECK(header_of(*post, "Allow") == "GET, HEAD");
}

TEST_CASE("a missing web root serves nothing and does not fail") {
  StaticSite site("/nonexistent/liverelay-web-root");
  CHECK_FALSE(site.has_pages());
  CHECK(site.file_count() == 0);
  CHECK_FALSE(site.route(get("/")));
  CHECK_FALSE(site.route(get("/live/cam1/")));
}

TEST_CASE("the CSP names the WebSocket host only when the Host header is a plain host") {
  CHECK(content_security_policy("example.org:8080").find("ws://example.org:8080 wss://example.org:8080") !=
        std::string::npos);
  CHECK(content_security_policy("[::1]:8080").find("ws://[::1]:8080") != std::string::npos);
  const std::string hostile = content_security_policy("evil.org; script-src *");
  CHECK(hostile.find("evil") == std::string::npos);
  CHECK(content_security_policy("").find("connect-src 'self';") != std::string::npos);
}
