// HttpServer: the libwebsockets context on our uv loop, and the HTTP request/response glue.
#include "server/http/http_server.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <libwebsockets.h>

#include "server/logging.hpp"

namespace liverelay {
namespace {

constexpr size_t kWriteChunk = 64 * 1024;

// What a connection is in the middle of sending. Lives in lws's per-session memory as a
// pointer (lws zeroes that memory and knows nothing of C++ objects).
struct PendingBody {
  HttpResponse response;  // owns the body, or shares it with a store
  size_t sent = 0;
};

// lws_write needs LWS_PRE writable bytes before what it sends, and a shared segment has none
// to spare: each chunk is copied here first. lws_write is synchronous (what the socket does not
// take, lws keeps in its own buffer), so one scratch serves every connection of the loop.
std::vector<uint8_t>& write_scratch() {
  static std::vector<uint8_t> scratch(LWS_PRE + kWriteChunk);
  return scratch;
}
struct HttpSession {
  PendingBody* pending;
};

HttpServer* owner_of(lws* wsi) {
  return static_cast<HttpServer*>(lws_context_user(lws_get_context(wsi)));
}

std::string method_of(lws* wsi) {
  struct Candidate {
    lws_token_indexes token;
    const char* name;
  };
  static const Candidate candidates[] = {
      {WSI_TOKEN_GET_URI, "GET"},         {WSI_TOKEN_POST_URI, "POST"},
      {WSI_TOKEN_OPTIONS_URI, "OPTIONS"}, {WSI_TOKEN_PUT_URI, "PUT"},
      {WSI_TOKEN_PATCH_URI, "PATCH"},     {WSI_TOKEN_DELETE_URI, "DELETE"},
      {WSI_TOKEN_HEAD_URI, "HEAD"},
  };
  for (const auto& candidate : candidates) {
    if (lws_hdr_total_length(wsi, candidate.token) > 0) return candidate.name;
  }
  return "GET";
}

std::string query_of(lws* wsi) {
  std::string query;
  char fragment[512];
  for (int i = 0; i < 32; ++i) {
    int n = lws_hdr_copy_fragment(wsi, fragment, sizeof(fragment), WSI_TOKEN_HTTP_URI_ARGS, i);
    if (n <= 0) break;
    if (!query.empty()) query += '&';
    query.append(fragment, static_cast<size_t>(n));
  }
  return query;
}

std::string peer_of(lws* wsi) {
  char address[64] = {};
  lws_get_peer_simple(wsi, address, sizeof(address));
  return address;
}

std::string header_of(lws* wsi, lws_token_indexes token) {
  const int length = lws_hdr_total_length(wsi, token);
  if (length <= 0 || length > 1024) return {};
  std::string value(static_cast<size_t>(length) + 1, '\0');
  const int copied = lws_hdr_copy(wsi, value.data(), length + 1, token);
  value.resize(copied > 0 ? static_cast<size_t>(copied) : 0);
  return value;
}

void release(HttpSession* session) {
  if (session == nullptr) return;
  delete session->pending;
  session->pending = nullptr;
}

// Writes status line and headers, then queues the body for HTTP_WRITEABLE. Returns nonzero to
// have lws close the connection.
int begin_response(lws* wsi, HttpSession* session, const HttpRequest& request, HttpResponse response) {
  uint8_t buffer[LWS_PRE + 4096];
  uint8_t* start = buffer + LWS_PRE;
  uint8_t* p = start;
  uint8_t* end = buffer + sizeof(buffer) - 1;
  const bool head = request.method == "HEAD";
  if (lws_add_http_common_headers(wsi, static_cast<unsigned>(response.status), response.content_type.c_str(),
                                  response.bytes().size(), &p, end)) {
    return 1;
  }
  for (const auto& [name, value] : response.headers) {
    std::string header = name + ":";
    if (lws_add_http_header_by_name(wsi, reinterpret_cast<const uint8_t*>(header.c_str()),
                                    reinterpret_cast<const uint8_t*>(value.data()),
                                    static_cast<int>(value.size()), &p, end)) {
      return 1;
    }
  }
  if (lws_finalize_write_http_header(wsi, start, &p, end)) return 1;
  if (head || response.bytes().empty()) {
    return lws_http_transaction_completed(wsi) ? -1 : 0;
  }
  session->pending = new PendingBody{std::move(response)};
  lws_callback_on_writable(wsi);
  return 0;
}

int continue_response(lws* wsi, HttpSession* session) {
  PendingBody* pending = session->pending;
  if (pending == nullptr) return 0;
  const auto body = pending->response.bytes();
  const size_t n = std::min(kWriteChunk, body.size() - pending->sent);
  const bool last = pending->sent + n == body.size();
  uint8_t* at = write_scratch().data() + LWS_PRE;
  std::memcpy(at, body.data() + pending->sent, n);
  if (lws_write(wsi, at, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != static_cast<int>(n)) return -1;
  pending->sent += n;
  if (!last) {
    lws_callback_on_writable(wsi);
    return 0;
  }
  release(session);
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

int http_callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  auto* session = static_cast<HttpSession*>(user);
  switch (reason) {
    case LWS_CALLBACK_HTTP_BIND_PROTOCOL:
      if (auto* owner = owner_of(wsi)) owner->connection_opened();
      break;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
      release(session);
      if (auto* owner = owner_of(wsi)) owner->connection_closed();
      break;
    case LWS_CALLBACK_HTTP: {
      HttpRequest request;
      request.method = method_of(wsi);
      request.path.assign(static_cast<const char*>(in), len);
      request.query = query_of(wsi);
      request.peer = peer_of(wsi);
      request.user_agent = header_of(wsi, WSI_TOKEN_HTTP_USER_AGENT);
      release(session);
      HttpResponse response = owner_of(wsi)->handle(request);
      logger("http")->debug("{} {} -> {}", request.method, request.path, response.status);
      return begin_response(wsi, session, request, std::move(response));
    }
    case LWS_CALLBACK_HTTP_WRITEABLE:
      return continue_response(wsi, session);
    default:
      break;
  }
  return lws_callback_http_dummy(wsi, reason, user, in, len);
}

const lws_protocols kProtocols[] = {
    {"http", http_callback, sizeof(HttpSession), 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

void route_lws_logs(int level, const char* line) {
  std::string_view text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (level & LLL_ERR) logger("http")->warn("lws: {}", text);
  else logger("http")->debug("lws: {}", text);
}

}  // namespace

HttpResponse HttpResponse::json(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return response;
}

HttpResponse HttpResponse::not_found() { return json(404, R"({"error":"not found"})"); }

HttpServer::HttpServer(uv_loop_t* loop, HttpHandler handler) : loop_(loop), handler_(std::move(handler)) {}

HttpServer::~HttpServer() {
  stop();
  finish_stop();
}

Result<void> HttpServer::listen(const Endpoint& endpoint) {
  lws_set_log_level(LLL_ERR | LLL_WARN | LLL_NOTICE, route_lws_logs);
  lws_context_creation_info info{};
  void* loops[1] = {loop_};
  info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_VALIDATE_UTF8;
  info.foreign_loops = loops;
  info.port = endpoint.port;
  info.iface = endpoint.host == "0.0.0.0" ? nullptr : endpoint.host.c_str();
  info.protocols = kProtocols;
  info.user = this;
  info.pcontext = &context_;
  info.timeout_secs = 30;
  // lws sends at most this much per syscall (default 4 KiB: 180 sendto calls per 720 KB segment).
  info.pt_serv_buf_size = kWriteChunk;
  context_ = lws_create_context(&info);
  if (context_ == nullptr) {
    return fail(Errc::io, fmt::format("http: cannot listen on {}", endpoint.to_string()));
  }
  logger("http")->info("listening on {}", endpoint.to_string());
  return {};
}

void HttpServer::stop() {
  if (context_ != nullptr) lws_context_destroy(context_);
}

void HttpServer::finish_stop() {
  if (context_ == nullptr) return;
  lws_context_destroy(context_);  // pcontext clears context_ once lws is done
  uv_run(loop_, UV_RUN_DEFAULT);
  context_ = nullptr;
}

}  // namespace liverelay
