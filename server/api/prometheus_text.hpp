// The Prometheus text exposition format (version 0.0.4), pure: metric families in, text out.
// Each family is written whole (HELP, TYPE, then every sample), as the format requires.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace liverelay::prometheus {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { counter, gauge };

struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;  // name, value (any UTF-8)
  double value = 0;
};

struct MetricFamily {
  std::string name;  // with its unit and, for a counter, "_total"
  MetricType type = MetricType::gauge;
  std::string help;
  std::vector<Sample> samples;

  MetricFamily& add(double value) {
    samples.push_back({{}, value});
    return *this;
  }
  MetricFamily& add(std::vector<std::pair<std::string, std::string>> labels, double value) {
    samples.push_back({std::move(labels), value});
    return *this;
  }
};

// Label values: backslash, double quote and newline escaped.
[[nodiscard]] std::string escape_label_value(std::string_view value);
// HELP text: backslash and newline escaped.
[[nodiscard]] std::string escape_help(std::string_view help);
// A sample value as Go's ParseFloat reads it: "42", "0.25", "NaN", "+Inf", "-Inf".
[[nodiscard]] std::string format_value(double value);
// [a-zA-Z_:][a-zA-Z0-9_:]* for metric names; label names also without ':' and not "__" first.
[[nodiscard]] bool valid_metric_name(std::string_view name);
[[nodiscard]] bool valid_label_name(std::string_view name);

// The exposition of `families`, in their order. A bad metric or label name, or a family name
// used twice, is a programming error: std::invalid_argument.
[[nodiscard]] std::string render(std::span<const MetricFamily> families);

}  // namespace liverelay::prometheus
