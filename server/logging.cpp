// Logging set-up: stderr, one format, a logger per area.
#include "server/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace liverelay {
namespace {

spdlog::level::level_enum g_level = spdlog::level::info;

}  // namespace

Result<void> init_logging(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    return fail(Errc::malformed, fmt::format("unknown log level '{}'", level));
  }
  g_level = parsed;
  spdlog::set_level(parsed);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  return {};
}

std::shared_ptr<spdlog::logger> logger(std::string_view area) {
  std::string name(area);
  if (auto existing = spdlog::get(name)) return existing;
  auto created = spdlog::stderr_color_mt(name);
  created->set_level(g_level);
  return created;
}

}  // namespace liverelay
