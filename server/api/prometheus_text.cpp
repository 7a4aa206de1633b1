// Prometheus text format 0.0.4: escaping, value formatting, HELP/TYPE lines and samples.
#include "server/api/prometheus_text.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <set>
#include <stdexcept>

namespace liverelay::prometheus {
namespace {

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

std::string_view type_name(MetricType type) {
  return type == MetricType::counter ? "counter" : "gauge";
}

void append_sample(std::string& out, const std::string& name, const Sample& sample) {
  out += name;
  if (!sample.labels.empty()) {
    out += '{';
    bool first = true;
    for (const auto& [label, value] : sample.labels) {
      if (!valid_label_name(label))
        throw std::invalid_argument(fmt::format("{}: bad label name '{}'", name, label));
      if (!first) out += ',';
      first = false;
      out += label;
      out += "=\"";
      out += escape_label_value(value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  out += format_value(sample.value);
  out += '\n';
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers (counts, bytes) exactly as integers, the rest in the shortest exact form.
  if (value == std::trunc(value) && std::fabs(value) < 1e15)
    return fmt::format("{}", static_cast<int64_t>(value));
  return fmt::format("{}", value);
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !(name_start(name[0]) || name[0] == ':')) return false;
  for (const char c : name) {
    if (!name_char(c) && c != ':') return false;
  }
  return true;
}

bool valid_label_name(std::string_view name) {
  if (name.empty() || !name_start(name[0]) || name.starts_with("__")) return false;
  for (const char c : name) {
    if (!name_char(c)) return false;
  }
  return true;
}

std::string render(std::span<const MetricFamily> families) {
  std::string out;
  std::set<std::string_view> seen;
  for (const MetricFamily& family : families) {
    if (!valid_metric_name(family.name))
      throw std::invalid_argument(fmt::format("bad metric name '{}'", family.name));
    // All of a family's samples go together under one HELP/TYPE: a name may not come back.
    if (!seen.insert(family.name).second) {
      throw std::invalid_argument(fmt::format("metric family '{}' rendered twice", family.name));
    }
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, escape_help(family.help), family.name,
                       type_name(family.type));
    for (const Sample& sample : family.samples) append_sample(out, family.name, sample);
  }
  return out;
}

}  // namespace liverelay::prometheus
