// WebhookClient: curl_multi_socket_action fed by uv_poll_t per socket and one uv timer.
#include "server/hooks/webhook_client.hpp"

#include <cstdint>

#include <curl/curl.h>

#include "server/logging.hpp"

namespace liverelay {

struct WebhookClient::Request {
  RequestId id = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;  // CURLOPT_POSTFIELDS points into it: it lives as long as the transfer
  Callback done;
  char error[CURL_ERROR_SIZE] = {};
};

// The C callbacks curl and libuv call; `data` is the client, or nullptr once it let go.
struct CurlGlue {
  static int on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* client, void* /*socket_data*/) {
    auto* self = static_cast<WebhookClient*>(client);
    if (what == CURL_POLL_REMOVE) {
      self->unwatch_socket(fd);
      return 0;
    }
    self->watch_socket(fd, what);
    return self->polls_.contains(fd) ? 0 : -1;  // -1: curl fails that transfer
  }

  static int on_timer(CURLM* /*multi*/, long timeout_ms, void* client) {
    static_cast<WebhookClient*>(client)->set_timer(timeout_ms);
    return 0;
  }

  static void on_poll(uv_poll_t* handle, int status, int events) {
    auto* self = static_cast<WebhookClient*>(handle->data);
    uv_os_fd_t fd = -1;
    if (self == nullptr || uv_fileno(reinterpret_cast<uv_handle_t*>(handle), &fd) != 0) return;
    self->on_socket_ready(fd, status, events);
  }

  static void on_timer_expired(uv_timer_t* handle) {
    auto* self = static_cast<WebhookClient*>(handle->data);
    if (self != nullptr) self->on_curl_timer();
  }

  // The answer's body is not used: only its status decides.
  static size_t discard(char* /*data*/, size_t size, size_t count, void* /*user*/) { return size * count; }
};

namespace {

template <class Handle>
void close_handle(Handle* handle) {
  handle->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle),
           [](uv_handle_t* h) { delete reinterpret_cast<Handle*>(h); });
}

CURLM* as_multi(void* multi) {
  return static_cast<CURLM*>(multi);
}

}  // namespace

WebhookClient::WebhookClient(uv_loop_t* loop, double timeout_s)
    : loop_(loop), timeout_ms_(static_cast<long>(timeout_s * 1000.0)), timer_(new uv_timer_t{}) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted by curl; undone in the destructor
  uv_timer_init(loop_, timer_);
  timer_->data = this;
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return;  // every post() then fails
  curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &CurlGlue::on_socket);
  curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &CurlGlue::on_timer);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  multi_ = multi;
}

WebhookClient::~WebhookClient() {
  stop();
  if (timer_ != nullptr) close_handle(timer_);
  curl_global_cleanup();
}

Result<WebhookClient::RequestId> WebhookClient::post(const std::string& url, std::string json,
                                                     Callback done) {
  if (multi_ == nullptr) return fail(Errc::closed, "webhooks are stopped");
  CURL* easy = curl_easy_init();
  if (easy == nullptr) return fail(Errc::io, "curl_easy_init failed");
  auto request = std::make_unique<Request>();
  request->id = next_id_++;
  request->easy = easy;
  request->body = std::move(json);
  request->done = std::move(done);
  request->headers = curl_slist_append(nullptr, "Content-Type: application/json");
  request->headers = curl_slist_append(request->headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request->body.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request->body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, request->headers);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "liverelay/" LIVERELAY_VERSION);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts in a server
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &CurlGlue::discard);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, request->error);
  // The id, not the Request: a finished message read after a cancel finds nothing.
  curl_easy_setopt(easy, CURLOPT_PRIVATE, reinterpret_cast<void*>(static_cast<uintptr_t>(request->id)));
  if (CURLMcode added = curl_multi_add_handle(as_multi(multi_), easy); added != CURLM_OK) {
    curl_easy_cleanup(easy);
    curl_slist_free_all(request->headers);
    return fail(Errc::io, curl_multi_strerror(added));
  }
  const RequestId id = request->id;
  requests_.emplace(id, std::move(request));
  return id;
}

void WebhookClient::cancel(RequestId id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  release(*it->second);
  requests_.erase(it);
}

void WebhookClient::stop() {
  if (multi_ == nullptr) return;
  if (!requests_.empty()) logger("hooks")->info("{} webhook request(s) cancelled", requests_.size());
  while (!requests_.empty()) cancel(requests_.begin()->first);
  curl_multi_cleanup(as_multi(multi_));  // closes cached connections (their sockets' REMOVE)
  multi_ = nullptr;
  for (auto& [fd, handle] : polls_) close_handle(handle);
  polls_.clear();
  uv_timer_stop(timer_);
}

void WebhookClient::release(Request& request) {
  curl_multi_remove_handle(as_multi(multi_), request.easy);
  curl_easy_cleanup(request.easy);
  curl_slist_free_all(request.headers);
  request.easy = nullptr;
  request.headers = nullptr;
}

// curl asks for a call in `timeout_ms` (0: as soon as possible, from the next loop turn; never
// from inside this callback) or for no timer at all (-1).
void WebhookClient::set_timer(long timeout_ms) {
  if (timeout_ms < 0) {
    uv_timer_stop(timer_);
    return;
  }
  uv_timer_start(timer_, &CurlGlue::on_timer_expired, static_cast<uint64_t>(timeout_ms), 0);
}

void WebhookClient::watch_socket(int fd, int what) {
  uv_poll_t*& handle = polls_[fd];
  if (handle == nullptr) {
    handle = new uv_poll_t{};
    if (uv_poll_init_socket(loop_, handle, fd) != 0) {
      delete handle;
      polls_.erase(fd);
      logger("hooks")->warn("cannot watch socket {} of a webhook request", fd);
      return;
    }
    handle->data = this;
  }
  int events = 0;
  if ((what & CURL_POLL_IN) != 0) events |= UV_READABLE;
  if ((what & CURL_POLL_OUT) != 0) events |= UV_WRITABLE;
  uv_poll_start(handle, events, &CurlGlue::on_poll);
}

void WebhookClient::unwatch_socket(int fd) {
  auto it = polls_.find(fd);
  if (it == polls_.end()) return;
  uv_poll_stop(it->second);  // before curl closes the descriptor: epoll forgets it now
  close_handle(it->second);
  polls_.erase(it);
}

void WebhookClient::on_socket_ready(int fd, int status, int events) {
  int flags = 0;
  if (status < 0) flags |= CURL_CSELECT_ERR;
  if ((events & UV_READABLE) != 0) flags |= CURL_CSELECT_IN;
  if ((events & UV_WRITABLE) != 0) flags |= CURL_CSELECT_OUT;
  int running = 0;
  curl_multi_socket_action(as_multi(multi_), fd, flags, &running);
  check_done();
}

void WebhookClient::on_curl_timer() {
  int running = 0;
  curl_multi_socket_action(as_multi(multi_), CURL_SOCKET_TIMEOUT, 0, &running);
  check_done();
}

// Finished transfers: each request is released before its callback runs, so the callback may
// post, cancel or stop freely.
void WebhookClient::check_done() {
  int left = 0;
  while (multi_ != nullptr) {
    CURLMsg* message = curl_multi_info_read(as_multi(multi_), &left);
    if (message == nullptr) return;
    if (message->msg != CURLMSG_DONE) continue;
    const CURLcode code = message->data.result;
    void* id = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &id);
    auto it = requests_.find(static_cast<RequestId>(reinterpret_cast<uintptr_t>(id)));
    if (it == requests_.end()) continue;
    Request& request = *it->second;
    Result<long> outcome;
    if (code == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(request.easy, CURLINFO_RESPONSE_CODE, &status);
      outcome = status;
    } else {
      const std::string reason = request.error[0] != '\0' ? request.error : curl_easy_strerror(code);
      outcome = fail(code == CURLE_OPERATION_TIMEDOUT ? Errc::closed : Errc::io, reason);
    }
    Callback done = std::move(request.done);
    release(request);
    requests_.erase(it);
    if (done) done(std::move(outcome));
  }
}

}  // namespace liverelay
