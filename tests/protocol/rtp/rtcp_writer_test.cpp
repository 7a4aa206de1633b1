// The SR + SDES CNAME compound byte for byte (RFC 3550 6.4.1, 6.5.1), and NTP time conversion.
#include "protocol/rtp/rtcp_writer.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <variant>

#include "protocol/rtp/rtcp_parser.hpp"
#include "tests/protocol/rtp/rtp_test_bytes.hpp"

namespace {

using namespace liverelay::rtp;
using namespace liverelay::rtp::testing;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

constexpr int64_t k2024 = 1704067200;  // 2024-01-01T00:00:00Z in Unix seconds

const SenderInfo kInfo{0x11223344, NtpTime{0xe93c7f00, 0x80000000}, 90000, 10, 12000};

}  // namespace

TEST_CASE("sender report compound is an SR then an SDES CNAME padded to 32 bits", "[rtcp]") {
  Bytes out;
  write_sender_report(kInfo, "abc", out);
  CHECK(out == Bytes{
                   0x80, 0xc8, 0x00, 0x06, 0x11, 0x22, 0x33, 0x44,  // RC=0, SR, 7 words, SSRC
                   0xe9, 0x3c, 0x7f, 0x00, 0x80, 0x00, 0x00, 0x00,  // NTP
                   0x00, 0x01, 0x5f, 0x90, 0x00, 0x00, 0x00, 0x0a,  // RTP timestamp, packets
                   0x00, 0x00, 0x2e, 0xe0,                          // octets
                   0x81, 0xca, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,  // SC=1, SDES, 4 words, SSRC
                   0x01, 0x03, 'a',  'b',  'c',  0x00, 0x00, 0x00,  // CNAME, then nulls to the boundary
               });
}

TEST_CASE("SDES items always end with a null byte, a whole null word when they fill theirs", "[rtcp]") {
  for (size_t length = 1; length <= 12; ++length) {
    INFO("CNAME of " << length << " bytes");
    Bytes out;
    write_sender_report(kInfo, std::string(length, 'x'), out);
    const Bytes sdes = slice(out, 28, out.size());
    CHECK(sdes.size() % 4 == 0);
    CHECK(sdes.size() == 4 + 4 + (2 + length) / 4 * 4 + 4);  // at least one null, then a boundary
    CHECK(sdes.back() == 0);
    CHECK(static_cast<size_t>(sdes[3] + 1) * 4 == sdes.size());
  }
}

TEST_CASE("sender report compound parses back to the values written", "[rtcp]") {
  Bytes out;
  write_sender_report(kInfo, "viewer-7f3a@liverelay", out);
  const auto parsed = parse_rtcp(out);
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 2);
  REQUIRE(std::holds_alternative<SenderReport>((*parsed)[0]));
  const auto& report = std::get<SenderReport>((*parsed)[0]);
  CHECK(report.ssrc == kInfo.ssrc);
  CHECK(report.ntp == kInfo.ntp);
  CHECK(report.rtp_timestamp == kInfo.rtp_timestamp);
  CHECK(report.packet_count == kInfo.packet_count);
  CHECK(report.octet_count == kInfo.octet_count);
  CHECK(report.blocks.empty());
  CHECK(std::get<IgnoredRtcp>((*parsed)[1]).packet_type == kRtcpSourceDescription);
}

TEST_CASE("sender report refuses an empty CNAME and one over 255 bytes", "[rtcp]") {
  Bytes out;
  CHECK_THROWS_AS(write_sender_report(kInfo, "", out), std::invalid_argument);
  CHECK_THROWS_AS(write_sender_report(kInfo, std::string(256, 'x'), out), std::invalid_argument);
  CHECK_NOTHROW(write_sender_report(kInfo, std::string(255, 'x'), out));
}

TEST_CASE("NTP time counts from 1900 with the fraction in 2^-32 s", "[rtcp]") {
  CHECK(to_ntp(system_clock::time_point{}) == NtpTime{2208988800u, 0});
  const system_clock::time_point new_year{seconds(k2024)};
  CHECK(to_ntp(new_year + milliseconds(500)) == NtpTime{0xe93c7f00, 0x80000000});
  CHECK(to_ntp(new_year + milliseconds(250)) == NtpTime{0xe93c7f00, 0x40000000});
  CHECK(to_ntp(new_year + microseconds(1)).fraction == 4294);  // 2^32 / 10^6, rounded down
  CHECK(to_ntp(new_year + microseconds(999999)).fraction == 4294963001u);
}

TEST_CASE("NTP time wraps into era 1 in February 2036", "[rtcp]") {
  const system_clock::time_point era_end{seconds(4294967296 - 2208988800)};  // 2036-02-07T06:28:16Z
  CHECK(to_ntp(era_end - seconds(1)).seconds == 0xffffffff);
  CHECK(to_ntp(era_end).seconds == 0);
}

TEST_CASE("compact NTP is the middle 32 bits that receivers echo as LSR", "[rtcp]") {
  CHECK(NtpTime{0xe93c7f00, 0x80000000}.compact() == 0x7f008000);
  CHECK(NtpTime{0x12345678, 0x9abcdef0}.compact() == 0x56789abc);
}
