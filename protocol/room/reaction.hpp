// The fixed set of reaction kinds and a per-kind tally.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace liverelay::room {

enum class ReactionKind : uint8_t { like, love, haha, wow, sad, angry };

inline constexpr size_t kReactionKindCount = 6;
inline constexpr std::array<ReactionKind, kReactionKindCount> kReactionKinds = {
    ReactionKind::like, ReactionKind::love, ReactionKind::haha,
    ReactionKind::wow,  ReactionKind::sad,  ReactionKind::angry,
};

// The wire name: "like", "love", ...
std::string_view to_string(ReactionKind kind);

// The kind a wire name stands for (exact, case-sensitive), or nullopt.
std::optional<ReactionKind> parse_reaction_kind(std::string_view name);

struct ReactionCounts {
  std::array<uint64_t, kReactionKindCount> by_kind{};

  uint64_t& operator[](ReactionKind kind) { return by_kind[static_cast<size_t>(kind)]; }
  uint64_t operator[](ReactionKind kind) const { return by_kind[static_cast<size_t>(kind)]; }
  [[nodiscard]] bool empty() const {
    for (const uint64_t count : by_kind) {
      if (count != 0) return false;
    }
    return true;
  }
  void clear() { by_kind.fill(0); }
  bool operator==(const ReactionCounts&) const = default;
};

}  // namespace liverelay::room
