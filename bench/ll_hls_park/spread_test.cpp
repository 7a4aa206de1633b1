// Self-check of the spread: rounds grouped by part, measured from their first delivery.
#include "spread.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace ll_hls_park;

namespace {

constexpr uint64_t kMs = 1'000'000;

}  // namespace

TEST_CASE("spread measures each round from its own first delivery") {
  std::vector<Delivery> a = {{{5, 0}, 0, 100 * kMs}, {{5, 1}, 101 * kMs, 400 * kMs}};
  std::vector<Delivery> b = {{{5, 0}, 0, 103 * kMs}, {{5, 1}, 104 * kMs, 410 * kMs}};
  std::vector<Delivery> c = {{{5, 0}, 0, 101 * kMs}, {{5, 1}, 102 * kMs, 401 * kMs}};
  std::vector<const std::vector<Delivery>*> players = {&a, &b, &c};
  Spread spread = measure_spread(players);
  REQUIRE(spread.rounds.size() == 2);
  CHECK(spread.rounds[0].part == PartId{5, 0});
  CHECK(spread.rounds[0].players == 3);
  CHECK(spread.rounds[0].last_ms == Approx(3.0));
  CHECK(spread.rounds[0].p50_ms == Approx(1.0));
  CHECK(spread.rounds[1].last_ms == Approx(10.0));
  CHECK(spread.after_first_ms == std::vector<double>{0, 0, 1, 1, 3, 10});
  CHECK(spread.not_parked == 0);
}

TEST_CASE("spread leaves out a request sent after its part was already delivered") {
  std::vector<Delivery> early = {{{9, 2}, 0, 50 * kMs}};
  std::vector<Delivery> late = {{{9, 2}, 60 * kMs, 61 * kMs}};
  std::vector<const std::vector<Delivery>*> players = {&early, &late};
  Spread spread = measure_spread(players);
  CHECK(spread.not_parked == 1);
  CHECK(spread.after_first_ms == std::vector<double>{0});
}

TEST_CASE("quantile is nearest-rank") {
  std::vector<double> sorted;
  for (int i = 1; i <= 100; ++i) sorted.push_back(i);
  CHECK(quantile(sorted, 0.5) == 50);
  CHECK(quantile(sorted, 0.99) == 99);
  CHECK(quantile(sorted, 1.0) == 100);
  CHECK(quantile({}, 0.99) == 0);
}
