// SinkTimeline: a sink's timestamps never go back when publishers come and go.
#include <catch2/catch.hpp>

#include "server/stream/sink_timeline.hpp"

using namespace liverelay;

TEST_CASE("sink timeline starts at 0 and follows the publisher's clock") {
  SinkTimeline timeline;
  CHECK(timeline.map(5000) == 0);
  CHECK(timeline.map(5033) == 33);
  CHECK(timeline.map(7000) == 2000);
}

TEST_CASE("sink timeline continues after a reconnecting publisher that starts again at 0") {
  SinkTimeline timeline;
  timeline.map(0);
  timeline.map(10'000);
  timeline.restart();
  CHECK(timeline.map(0) == 10'001);
  CHECK(timeline.map(40) == 10'041);
}

TEST_CASE("sink timeline holds a tag a little before the stretch's first at its start") {
  SinkTimeline timeline;
  CHECK(timeline.map(1000) == 0);
  CHECK(timeline.map(990) == 0);  // audio just before the keyframe the sink started at
  CHECK(timeline.map(1010) == 10);
}

TEST_CASE("sink timeline follows the publisher's clock across the 32-bit wrap") {
  SinkTimeline timeline;
  CHECK(timeline.map(0xFFFFFFF0u) == 0);
  CHECK(timeline.map(0x10u) == 0x20u);
}
