// Prometheus text exposition 0.0.4: escaping, values, and whole families in order.
#include "server/api/prometheus_text.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

using namespace liverelay::prometheus;

TEST_CASE("label values escape backslash, double quote and newline, and nothing else") {
  CHECK(escape_label_value("a\\b\"c\nd") == R"(a\\b\"c\nd)");
  CHECK(escape_label_value("caméra {1}, x=y") == "caméra {1}, x=y");
}

TEST_CASE("help text escapes backslash and newline but keeps double quotes") {
  CHECK(escape_help("bytes \"in\"\nC:\\") == "bytes \"in\"\\nC:\\\\");
}

TEST_CASE("sample values read as Go floats: integers exactly, special values spelt out") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(4063232) == "4063232");
  CHECK(format_value(9007199254740992.0) == "9007199254740992");  // 2^53: every byte counter fits
  CHECK(format_value(1e20) == "1e+20");
  CHECK(format_value(-3) == "-3");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(2620.5) == "2620.5");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
}

TEST_CASE("metric and label names follow the format's grammar") {
  CHECK(valid_metric_name("liverelay_stream_live"));
  CHECK(valid_metric_name("job:rate5m"));
  CHECK_FALSE(valid_metric_name("5xx_total"));
  CHECK_FALSE(valid_metric_name("bits-per-second"));
  CHECK_FALSE(valid_metric_name(""));
  CHECK(valid_label_name("stream"));
  CHECK_FALSE(valid_label_name("__name__"));
  CHECK_FALSE(valid_label_name("a:b"));
  CHECK_FALSE(valid_label_name("0kind"));
}

TEST_CASE("each family is written whole: HELP, TYPE, then all its samples") {
  std::vector<MetricFamily> families;
  families.push_back(MetricFamily{"liverelay_connections", MetricType::gauge, "Open connections by kind.", {}}
                         .add({{"kind", "rtmp"}}, 1)
                         .add({{"kind", "http"}}, 4));
  families.push_back(
      MetricFamily{"liverelay_network_receive_bytes_total", MetricType::counter, "Bytes read.", {}}.add(
          123456));
  families.push_back(MetricFamily{"liverelay_stream_live", MetricType::gauge, "Live.", {}}.add(
      {{"stream", "say \"hi\"\\"}, {"zone", "a\nb"}}, 1));
  CHECK(render(families) ==
        "# HELP liverelay_connections Open connections by kind.\n"
        "# TYPE liverelay_connections gauge\n"
        "liverelay_connections{kind=\"rtmp\"} 1\n"
        "liverelay_connections{kind=\"http\"} 4\n"
        "# HELP liverelay_network_receive_bytes_total Bytes read.\n"
        "# TYPE liverelay_network_receive_bytes_total counter\n"
        "liverelay_network_receive_bytes_total 123456\n"
        "# HELP liverelay_stream_live Live.\n"
        "# TYPE liverelay_stream_live gauge\n"
        "liverelay_stream_live{stream=\"say \\\"hi\\\"\\\\\",zone=\"a\\nb\"} 1\n");
}

TEST_CASE("a family without samples still declares itself") {
  const std::vector<MetricFamily> families = {
      {"liverelay_stream_viewers", MetricType::gauge, "Viewers.", {}}};
  CHECK(render(families) ==
        "# HELP liverelay_stream_viewers Viewers.\n# TYPE liverelay_stream_viewers gauge\n");
}

TEST_CASE("a family name used twice or a bad name is refused") {
  const std::vector<MetricFamily> twice = {{"liverelay_up", MetricType::gauge, "Up.", {}},
                                           {"liverelay_up", MetricType::gauge, "Up.", {}}};
  CHECK_THROWS_AS(render(twice), std::invalid_argument);
  const std::vector<MetricFamily> bad_name = {{"liverelay-up", MetricType::gauge, "Up.", {}}};
  CHECK_THROWS_AS(render(bad_name), std::invalid_argument);
  std::vector<MetricFamily> bad_label = {{"liverelay_up", MetricType::gauge, "Up.", {}}};
  bad_label[0].add({{"__name__", "x"}}, 1);
  CHECK_THROWS_AS(render(bad_label), std::invalid_argument);
}
