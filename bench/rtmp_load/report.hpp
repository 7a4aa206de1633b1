// rtmp_load's JSON summary: the players' first frames and frame counts, the publishers' pacing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "flv_file.hpp"
#include "player.hpp"
#include "publisher.hpp"

namespace rtmp_load {

// The players' figures at the top level (what bench/rtmp_play.py reads). `since_publish_ms`,
// when the players started after a publisher of this run: how long after that publisher's
// connect they started, so their first frames can also be given from the publish.
nlohmann::json players_report(const std::vector<std::unique_ptr<Player>>& players,
                              std::optional<double> since_publish_ms);

nlohmann::json publishers_report(const std::vector<std::unique_ptr<Publisher>>& publishers, const FlvFile& file,
                                 double seconds);

}  // namespace rtmp_load
