// Retention: the age limit, the byte limit oldest first, and the live broadcast always kept.
#include "server/record/retention.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace liverelay;

namespace {

constexpr int64_t kHour = 3'600'000;

std::vector<RetentionCandidate> three_finished() {
  // id, started, ended, bytes, open; listed out of order on purpose.
  return {{3, 30 * kHour, 31 * kHour, 300, false},
          {1, 10 * kHour, 11 * kHour, 100, false},
          {2, 20 * kHour, 21 * kHour, 200, false}};
}

}  // namespace

TEST_CASE("retention without limits keeps everything", "[record]") {
  CHECK(choose_expired(three_finished(), 100 * kHour, {}).empty());
}

TEST_CASE("retention by bytes removes the oldest first until the total fits", "[record]") {
  const auto candidates = three_finished();
  CHECK(choose_expired(candidates, 40 * kHour, {.max_bytes = 600}).empty());
  CHECK(choose_expired(candidates, 40 * kHour, {.max_bytes = 599}) == std::vector<int64_t>{1});
  CHECK(choose_expired(candidates, 40 * kHour, {.max_bytes = 500}) == std::vector<int64_t>{1});
  CHECK(choose_expired(candidates, 40 * kHour, {.max_bytes = 499}) == std::vector<int64_t>{1, 2});
  CHECK(choose_expired(candidates, 40 * kHour, {.max_bytes = 1}) == std::vector<int64_t>{1, 2, 3});
}

TEST_CASE("retention by age removes what ended longer ago than the limit", "[record]") {
  const auto candidates = three_finished();
  CHECK(choose_expired(candidates, 32 * kHour, {.max_age_ms = 10 * kHour}) == std::vector<int64_t>{1, 2});
  CHECK(choose_expired(candidates, 32 * kHour, {.max_age_ms = 30 * kHour}).empty());
}

TEST_CASE("retention never removes a live broadcast, though its bytes count", "[record]") {
  auto candidates = three_finished();
  candidates.push_back({4, 40 * kHour, 0, 1000, true});
  // 1600 bytes over a 1000 limit: the finished ones go, oldest first; the live one stays.
  CHECK(choose_expired(candidates, 41 * kHour, {.max_bytes = 1000}) == std::vector<int64_t>{1, 2, 3});
  CHECK(choose_expired(candidates, 41 * kHour, {.max_age_ms = 1}) == std::vector<int64_t>{1, 2, 3});
}
