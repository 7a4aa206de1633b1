// The [webhooks] of the config: what each hook is told, and what an on_publish answer means.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <uv.h>

#include "protocol/core/error.hpp"
#include "server/config/config.hpp"
#include "server/hooks/webhook_client.hpp"

namespace liverelay {

// What the hooks are told about a publisher. Never its stream key: that is a secret.
struct PublisherHookInfo {
  std::string stream;          // the public name the key resolved to
  std::string client_address;  // "ip:port"
  std::string app;             // "live"
  std::string encoder;         // connect's flashVer, or ""
  uint64_t connection_id = 0;
};

class Webhooks {
 public:
  // {} when the hook answered 2xx; otherwise the reason for the log (another status, a
  // connection error, the timeout): the publish is refused, fail closed.
  using Decision = std::function<void(Result<void> allowed)>;
  using RequestId = WebhookClient::RequestId;

  Webhooks(uv_loop_t* loop, WebhooksConfig config);
  ~Webhooks();
  Webhooks(const Webhooks&) = delete;
  Webhooks& operator=(const Webhooks&) = delete;

  // Whether a publish waits for on_publish.
  [[nodiscard]] bool asks_before_publish() const { return !config_.on_publish.empty(); }
  // POSTs on_publish; `decided` runs later on the loop unless cancelled. An error: the
  // request could not even start (refuse the publish).
  Result<RequestId> ask_publish(const PublisherHookInfo& publisher, Decision decided);
  // `decided` of that request will not run.
  void cancel(RequestId id);
  // Fire and forget; a failure is logged.
  void publish_done(const PublisherHookInfo& publisher, double duration_s, uint64_t bytes_in);
  // A broadcast's recording is complete: where to play it (a URL path on this server, never a
  // file path), its duration and size.
  void record_done(std::string_view stream, int64_t broadcast_id, std::string_view playlist_url, double duration_s,
                   int64_t bytes);
  // Cancels what is in flight (shutdown); later hooks are not sent.
  void stop();

  // The hooks configured, for the start-up line: "on_publish, on_publish_done" or "none".
  [[nodiscard]] std::string describe() const;

 private:
  void notify(std::string_view hook, const std::string& url, std::string_view stream, std::string json);

  WebhooksConfig config_;
  std::unique_ptr<WebhookClient> client_;  // only when some hook is configured
};

}  // namespace liverelay
