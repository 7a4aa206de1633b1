// RTCP packets as values (RFC 3550 6.4, RFC 4585 6, RFC 5104 4.3): what the parser yields.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "protocol/rtp/ntp_time.hpp"

namespace liverelay::rtp {

// RFC 3550 12.1 and RFC 4585 6.1: the RTCP packet types.
inline constexpr uint8_t kRtcpSenderReport = 200;
inline constexpr uint8_t kRtcpReceiverReport = 201;
inline constexpr uint8_t kRtcpSourceDescription = 202;
inline constexpr uint8_t kRtcpBye = 203;
inline constexpr uint8_t kRtcpApp = 204;
inline constexpr uint8_t kRtcpTransportFeedback = 205;  // RTPFB
inline constexpr uint8_t kRtcpPayloadFeedback = 206;    // PSFB
inline constexpr uint8_t kRtcpExtendedReport = 207;     // XR, RFC 3611

// Feedback message types (the FMT field of RTPFB and PSFB).
inline constexpr uint8_t kFmtGenericNack = 1;        // RTPFB, RFC 4585 6.2.1
inline constexpr uint8_t kFmtTransportWideCc = 15;   // RTPFB, draft-holmer-rmcat-transport-wide-cc
inline constexpr uint8_t kFmtPictureLoss = 1;        // PSFB, RFC 4585 6.3.1
inline constexpr uint8_t kFmtFullIntraRequest = 4;   // PSFB, RFC 5104 4.3.1
inline constexpr uint8_t kFmtApplicationLayer = 15;  // PSFB, RFC 4585 6.4 (REMB lives here)

// RFC 3550 6.4.1: one report block, how a receiver sees one of our streams.
struct ReportBlock {
  uint32_t ssrc = 0;                 // the source reported on: our SSRC as that viewer knows it
  uint8_t fraction_lost = 0;         // lost since the last report, in 1/256ths
  int32_t cumulative_lost = 0;       // 24-bit signed: duplicates can make it negative
  uint32_t highest_sequence = 0;     // extended: cycles in the top 16 bits
  uint32_t jitter = 0;               // interarrival jitter, in RTP timestamp units
  uint32_t last_sr = 0;              // LSR: compact NTP of the last SR received, 0 if none
  uint32_t delay_since_last_sr = 0;  // DLSR, in 1/65536 s

  bool operator==(const ReportBlock&) const = default;
};

struct SenderReport {
  uint32_t ssrc = 0;
  NtpTime ntp;
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;  // payload octets only (RFC 3550 6.4.1)
  std::vector<ReportBlock> blocks;
};

struct ReceiverReport {
  uint32_t ssrc = 0;  // the reporter
  std::vector<ReportBlock> blocks;
};

struct Bye {
  std::vector<uint32_t> ssrcs;
};

// RFC 4585 6.2.1: every (PID, BLP) pair expanded, in the order sent.
struct GenericNack {
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  std::vector<uint16_t> lost;
};

// RFC 4585 6.3.1: the receiver lost part of a picture and wants a keyframe.
struct PictureLossIndication {
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
};

// RFC 5104 4.3.1: one request per FCI entry; a sender answers each new sequence number once.
struct FirEntry {
  uint32_t ssrc = 0;
  uint8_t sequence = 0;

  bool operator==(const FirEntry&) const = default;
};

struct FullIntraRequest {
  uint32_t sender_ssrc = 0;
  std::vector<FirEntry> entries;
};

// Well-formed packets recognised and left alone: SDES, APP, XR, REMB, transport-cc, other
// feedback and unknown types. The server does no congestion control on these yet.
struct IgnoredRtcp {
  uint8_t packet_type = 0;
  uint8_t format = 0;  // the 5-bit count / FMT field
};

using RtcpPacket = std::variant<SenderReport, ReceiverReport, Bye, GenericNack, PictureLossIndication,
                                FullIntraRequest, IgnoredRtcp>;

}  // namespace liverelay::rtp
