// The browser side, served from the web root: the four pages, their scripts and styles, and the
// two vendor libraries from web/node_modules, read once at start and answered from memory.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "server/http/http_types.hpp"

namespace liverelay {

class StaticSite {
 public:
  // Reads the whitelisted files under `root` (pages/, static/ and the vendor files named in the
  // .cpp); a file that cannot be read is logged and answered 404. Never the whole node_modules.
  explicit StaticSite(const std::string& root);

  // The response for a page (the player at /live/<name>/, a broadcast's replay at
  // /live/<name>/replay/<id>), a static file, or the redirect of /live/<name> and
  // /live/<name>/replay/<id>/ to those; nullopt when the path is not ours (HLS, replays' files
  // and the API route before this).
  [[nodiscard]] std::optional<HttpResponse> route(const HttpRequest& request) const;

  [[nodiscard]] size_t file_count() const { return files_.size(); }
  [[nodiscard]] bool has_pages() const { return files_.contains("/"); }

 private:
  struct File {
    std::shared_ptr<const std::string> bytes;
    std::string content_type;
    std::string cache_control;
  };

  void load(const std::string& url_path, const std::string& file_path, std::string cache_control);
  [[nodiscard]] HttpResponse serve(const File& file, const HttpRequest& request) const;

  std::map<std::string, File, std::less<>> files_;  // by URL path
};

// The Content-Security-Policy every page carries: scripts only from the server itself (no
// inline code), media and hls.js' worker from blob: URLs, fetches and the room's WebSocket only
// to the page's own host. `host` is the request's Host header, used only when it is a plain
// host[:port].
[[nodiscard]] std::string content_security_policy(std::string_view host);

}  // namespace liverelay
