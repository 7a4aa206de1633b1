// Enhanced RTMP v2 ModEx skipping ("ExVideoTagHeader" / "ExAudioTagHeader" pseudocode).
#include "codec/flv/mod_ex.hpp"

#include <string>

namespace liverelay::flv {

Result<uint8_t> skip_mod_ex(ByteReader& reader, uint8_t packet_type, std::string_view what) {
  const std::string where(what);
  while (packet_type == kPacketTypeModEx) {
    auto size_byte = reader.u8();
    if (!size_byte) return fail(Errc::truncated, where + ": truncated at ModEx data size");
    size_t size = size_t{*size_byte} + 1;
    if (size == 256) {
      auto wide = reader.u16be();
      if (!wide) return fail(Errc::truncated, where + ": truncated at ModEx data size");
      size = size_t{*wide} + 1;
    }
    if (!reader.skip(size)) return fail(Errc::truncated, where + ": ModEx data truncated");
    auto next = reader.u8();  // modifier type (high nibble), next packet type (low nibble)
    if (!next) return fail(Errc::truncated, where + ": truncated after ModEx data");
    packet_type = *next & 0x0f;
  }
  return packet_type;
}

}  // namespace liverelay::flv
