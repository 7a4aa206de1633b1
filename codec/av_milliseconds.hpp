// The time base of every timestamp the codec layer carries (FLV's milliseconds), as libav spells it.
#pragma once

extern "C" {
#include <libavutil/rational.h>
}

namespace liverelay {

inline constexpr AVRational kMilliseconds{1, 1000};

}  // namespace liverelay
