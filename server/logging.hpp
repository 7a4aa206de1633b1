// Named spdlog loggers, one per area ("rtmp", "http", "api", "server"), sharing one sink.
#pragma once

#include <memory>
#include <string_view>

#include <spdlog/spdlog.h>

#include "protocol/core/error.hpp"

namespace liverelay {

// Sets the level of every area; "trace", "debug", "info", "warn", "error", "off".
Result<void> init_logging(std::string_view level);

// The logger of an area, created on first use.
std::shared_ptr<spdlog::logger> logger(std::string_view area);

}  // namespace liverelay
