// Names for error codes, used in log lines and API error bodies.
#include "protocol/core/error.hpp"

namespace liverelay {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::truncated: return "truncated";
    case Errc::malformed: return "malformed";
    case Errc::over_limit: return "over_limit";
    case Errc::unsupported: return "unsupported";
    case Errc::refused: return "refused";
    case Errc::closed: return "closed";
    case Errc::io: return "io";
  }
  return "unknown";
}

}  // namespace liverelay
