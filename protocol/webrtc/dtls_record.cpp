// Screening of DTLS records by their headers: type, version, epoch, sequence, length.
#include "protocol/webrtc/dtls_record.hpp"

#include "protocol/core/byte_reader.hpp"

namespace liverelay::webrtc {
namespace {

constexpr size_t kSequenceNumberLength = 6;

}  // namespace

bool has_short_protected_record(std::span<const uint8_t> datagram, size_t min_protected_length) {
  ByteReader reader(datagram);
  while (reader.remaining() > 0) {
    const auto type = reader.u8();
    const auto version = reader.u16be();
    const auto epoch = reader.u16be();
    if (!type || !version || !epoch || !reader.skip(kSequenceNumberLength)) return false;
    const auto length = reader.u16be();
    if (!length) return false;
    if (*epoch > 0 && *length < min_protected_length) return true;
    if (!reader.skip(*length)) return false;
  }
  return false;
}

}  // namespace liverelay::webrtc
