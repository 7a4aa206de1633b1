// Wire names of reaction kinds, both ways.
#include "protocol/room/reaction.hpp"

namespace liverelay::room {

std::string_view to_string(ReactionKind kind) {
  switch (kind) {
    case ReactionKind::like:
      return "like";
    case ReactionKind::love:
      return "love";
    case ReactionKind::haha:
      return "haha";
    case ReactionKind::wow:
      return "wow";
    case ReactionKind::sad:
      return "sad";
    case ReactionKind::angry:
      return "angry";
  }
  return "unknown";
}

std::optional<ReactionKind> parse_reaction_kind(std::string_view name) {
  for (const ReactionKind kind : kReactionKinds) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace liverelay::room
