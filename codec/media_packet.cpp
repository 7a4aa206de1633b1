// Names of codecs as the stats API and log lines spell them.
#include "codec/media_packet.hpp"

namespace liverelay::media {

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::h264:
      return "h264";
    case Codec::hevc:
      return "hevc";
    case Codec::av1:
      return "av1";
    case Codec::vp9:
      return "vp9";
    case Codec::aac:
      return "aac";
    case Codec::mp3:
      return "mp3";
    case Codec::opus:
      return "opus";
    case Codec::unknown:
      break;
  }
  return "unknown";
}

}  // namespace liverelay::media
