// RTCP from a viewer's browser after SRTCP: compound and reduced-size packets, receiver reports,
// NACK, PLI and FIR feedback, with declared counts and padding that may not fit.
#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/rtp/rtcp_parser.hpp"

using namespace liverelay;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> packet(data, size);
  (void)rtp::is_rtcp(packet);
  (void)rtp::parse_rtcp(packet);
  return 0;
}
