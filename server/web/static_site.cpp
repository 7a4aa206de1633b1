// StaticSite: a fixed map from URL paths to files read at start. The map is the whitelist: a
// path that is not in it is not served, so nothing under the web root leaks by accident and no
// request path ever reaches the filesystem.
#include "server/web/static_site.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

#include "server/http/route_path.hpp"
#include "server/logging.hpp"
#include "server/stream/publish_auth.hpp"

namespace liverelay {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStaticPrefix = "/static/";
constexpr uintmax_t kMaxFileBytes = 4 * 1024 * 1024;  // the largest, hls.min.js, is 0.6 MB

// Pages and our own scripts are revalidated at every load (they change with the server);
// the vendor files are pinned by web/package-lock.json and change only with it.
constexpr std::string_view kNoCache = "no-cache";
constexpr std::string_view kVendorCache = "public, max-age=86400";

// The only files taken from web/node_modules, under the URL the pages load them from.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kVendorFiles = {{
    {"/vendor/hls.min.js", "node_modules/hls.js/dist/hls.min.js"},
    {"/vendor/uPlot.iife.min.js", "node_modules/uplot/dist/uPlot.iife.min.js"},
    {"/vendor/uPlot.min.css", "node_modules/uplot/dist/uPlot.min.css"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kPages = {{
    {"/", "pages/index.html"},
    {"/dashboard", "pages/dashboard.html"},
}};
// Every /live/<name>/ answers this page; it reads the name from its own URL.
constexpr std::string_view kPlayerKey = "player";
constexpr std::string_view kPlayerFile = "pages/player.html";
// Every /live/<name>/replay/<id> answers this one (its playlist and segments, one level below,
// are the replay routes', which come first).
constexpr std::string_view kReplayKey = "replay";
constexpr std::string_view kReplayFile = "pages/replay.html";
constexpr std::string_view kReplayInfix = "/replay/";

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kContentTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
}};

std::optional<std::string_view> content_type_of(std::string_view file_name) {
  for (const auto& [extension, type] : kContentTypes) {
    if (file_name.ends_with(extension)) return type;
  }
  return std::nullopt;
}

std::optional<std::string> read_small_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) > kMaxFileBytes || ec) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

// A Host header fit to be repeated in a header: letters, digits and . - : [ ] only.
bool is_plain_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == ':' || c == '[' || c == ']';
  });
}

HttpResponse redirect(std::string location) {
  HttpResponse response;
  response.status = 301;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "moved to " + location + "\n";
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

// "<name>/replay/<id>" with a valid stream name and a broadcast id of digits only.
bool is_replay_page(std::string_view rest) {
  const size_t at = rest.find(kReplayInfix);
  if (at == std::string_view::npos || !is_valid_stream_name(rest.substr(0, at))) return false;
  const std::string_view id = rest.substr(at + kReplayInfix.size());
  return !id.empty() && id.size() <= 18 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

HttpResponse method_not_allowed() {
  HttpResponse response;
  response.status = 405;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "use GET or HEAD\n";
  response.headers.emplace_back("Allow", "GET, HEAD");
  return response;
}

}  // namespace

std::string content_security_policy(std::string_view host) {
  // CSP 3 lets 'self' match ws: on the same host; older Safari does not, so the room's
  // WebSocket origin is also named when the Host header is a plain host.
  std::string connect = "'self'";
  if (is_plain_host(host)) connect += fmt::format(" ws://{} wss://{}", host, host);
  return fmt::format(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
      "worker-src 'self' blob:; connect-src {}; object-src 'none'; base-uri 'none'; form-action 'self'; "
      "frame-ancestors 'none'",
      connect);
}

StaticSite::StaticSite(const std::string& root) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(root) / kPages[0].second, ec)) {
    logger("http")->warn("web pages are off: {} has no {} (set [web] root or --web-root)", root, kPages[0].second);
    return;
  }
  for (const auto& [url, file] : kPages) load(std::string(url), (fs::path(root) / file).string(), std::string(kNoCache));
  load(std::string(kPlayerKey), (fs::path(root) / kPlayerFile).string(), std::string(kNoCache));
  load(std::string(kReplayKey), (fs::path(root) / kReplayFile).string(), std::string(kNoCache));
  for (const auto& [url, file] : kVendorFiles) {
    load(std::string(url), (fs::path(root) / file).string(), std::string(kVendorCache));
  }
  // static/ holds our own scripts and styles: every file directly in it with a known type.
  for (const auto& entry : fs::directory_iterator(fs::path(root) / "static", ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || name.starts_with(".") || !content_type_of(name)) continue;
    load(std::string(kStaticPrefix) + name, entry.path().string(), std::string(kNoCache));
  }
  logger("http")->info("web pages from {} ({} files)", root, files_.size());
}

void StaticSite::load(const std::string& url_path, const std::string& file_path, std::string cache_control) {
  auto bytes = read_small_file(file_path);
  auto type = content_type_of(file_path);
  if (!bytes || !type) {
    logger("http")->warn("web file {} not served: cannot read {}{}", url_path, file_path,
                         file_path.find("/node_modules/") != std::string::npos ? " (run npm ci in the web root)" : "");
    return;
  }
  files_[url_path] = File{std::make_shared<const std::string>(std::move(*bytes)), std::string(*type),
                          std::move(cache_control)};
}

HttpResponse StaticSite::serve(const File& file, const HttpRequest& request) const {
  HttpResponse response;
  response.content_type = file.content_type;
  response.shared_body = {reinterpret_cast<const uint8_t*>(file.bytes->data()), file.bytes->size()};
  response.body_owner = file.bytes;
  response.headers.emplace_back("Cache-Control", file.cache_control);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("Content-Security-Policy", content_security_policy(request.header("host")));
  return response;
}

std::optional<HttpResponse> StaticSite::route(const HttpRequest& request) const {
  const std::string_view path = request.path;
  const File* file = nullptr;
  if (path.starts_with(kLivePrefix)) {
    // /live/<name>/ is the player; /live/<name> sends the browser there, so that the page's
    // relative URLs (index.m3u8, ws) resolve inside the stream's folder.
    std::string_view rest = path.substr(kLivePrefix.size());
    const bool slash = rest.ends_with('/');
    if (slash) rest.remove_suffix(1);
    // /live/<name>/replay/<id> is the replay page; with a slash it is sent there, since the
    // page's own links are absolute.
    const bool replay = is_replay_page(rest);
    if (!replay && !is_valid_stream_name(rest)) return std::nullopt;
    if (slash == replay) {
      std::string location = fmt::format("{}{}{}", kLivePrefix, rest, replay ? "" : "/");
      if (!request.query.empty()) location += "?" + request.query;
      return redirect(std::move(location));
    }
    auto found = files_.find(replay ? kReplayKey : kPlayerKey);
    if (found == files_.end()) return std::nullopt;
    file = &found->second;
  } else {
    auto found = files_.find(path);
    if (found == files_.end()) return std::nullopt;
    file = &found->second;
  }
  if (request.method != "GET" && request.method != "HEAD") return method_not_allowed();
  return serve(*file, request);
}

}  // namespace liverelay
