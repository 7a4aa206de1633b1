// Webhooks: the JSON bodies (SRS http hooks / nginx-rtmp on_publish style) and their outcomes.
#include "server/hooks/webhooks.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "server/http/json_response.hpp"
#include "server/logging.hpp"

namespace liverelay {
namespace {

nlohmann::json publisher_json(std::string_view action, const PublisherHookInfo& publisher) {
  return {
      {"action", action},     {"stream", publisher.stream},   {"client_address", publisher.client_address},
      {"app", publisher.app}, {"encoder", publisher.encoder}, {"connection_id", publisher.connection_id}};
}

double round_ms(double seconds) {
  return std::round(seconds * 1000.0) / 1000.0;
}

bool is_2xx(long status) {
  return status >= 200 && status <= 299;
}

}  // namespace

Webhooks::Webhooks(uv_loop_t* loop, WebhooksConfig config) : config_(std::move(config)) {
  if (!config_.on_publish.empty() || !config_.on_publish_done.empty() || !config_.on_record_done.empty()) {
    client_ = std::make_unique<WebhookClient>(loop, config_.timeout_s);
  }
}

Webhooks::~Webhooks() = default;

Result<Webhooks::RequestId> Webhooks::ask_publish(const PublisherHookInfo& publisher, Decision decided) {
  if (client_ == nullptr || config_.on_publish.empty()) return fail(Errc::unsupported, "no on_publish hook");
  auto answered = [decided = std::move(decided)](Result<long> status) {
    if (!status) {
      decided(tl::unexpected(std::move(status.error())));
    } else if (!is_2xx(*status)) {
      decided(fail(Errc::refused, fmt::format("HTTP {}", *status)));
    } else {
      decided({});
    }
  };
  auto started = client_->post(config_.on_publish, json_text(publisher_json("on_publish", publisher)),
                               std::move(answered));
  if (!started) return tl::unexpected(std::move(started.error()).context("on_publish"));
  return *started;
}

void Webhooks::cancel(RequestId id) {
  if (client_) client_->cancel(id);
}

void Webhooks::publish_done(const PublisherHookInfo& publisher, double duration_s, uint64_t bytes_in) {
  if (config_.on_publish_done.empty()) return;
  nlohmann::json body = publisher_json("on_publish_done", publisher);
  body["duration_s"] = round_ms(duration_s);
  body["bytes_in"] = bytes_in;
  notify("on_publish_done", config_.on_publish_done, publisher.stream, json_text(body));
}

void Webhooks::record_done(std::string_view stream, int64_t broadcast_id, std::string_view playlist_url,
                           double duration_s, int64_t bytes) {
  if (config_.on_record_done.empty()) return;
  const nlohmann::json body = {{"action", "on_record_done"}, {"stream", stream},
                               {"broadcast_id", broadcast_id}, {"playlist_url", playlist_url},
                               {"duration_s", round_ms(duration_s)}, {"bytes", bytes}};
  notify("on_record_done", config_.on_record_done, stream, json_text(body));
}

void Webhooks::stop() {
  if (client_) client_->stop();
}

std::string Webhooks::describe() const {
  const std::pair<std::string_view, const std::string*> urls[] = {
      {"on_publish", &config_.on_publish},
      {"on_publish_done", &config_.on_publish_done},
      {"on_record_done", &config_.on_record_done}};
  std::string hooks;
  for (const auto& [name, url] : urls) {
    if (url->empty()) continue;
    if (!hooks.empty()) hooks += ", ";
    hooks += name;
  }
  return hooks.empty() ? "none" : hooks;
}

// URLs stay out of log lines: an operator may put a token in one.
void Webhooks::notify(std::string_view hook, const std::string& url, std::string_view stream,
                      std::string json) {
  auto on_answer = [hook = std::string(hook), stream = std::string(stream)](Result<long> status) {
    if (!status) {
      logger("hooks")->warn("{} for {} failed: {}", hook, stream, status.error().message);
    } else if (!is_2xx(*status)) {
      logger("hooks")->warn("{} for {} answered HTTP {}", hook, stream, *status);
    } else {
      logger("hooks")->debug("{} for {}: HTTP {}", hook, stream, *status);
    }
  };
  if (auto started = client_->post(url, std::move(json), std::move(on_answer)); !started) {
    logger("hooks")->warn("{} for {} not sent: {}", hook, stream, started.error().message);
  }
}

}  // namespace liverelay
