// Writing the WHEP answer: m-line acceptance, then the SDP text, section by section.
#include "protocol/webrtc/whep_answer.hpp"

#include <algorithm>

#include "protocol/webrtc/codec_choice.hpp"

namespace liverelay::webrtc {
namespace {

constexpr std::string_view kRtpProtocol = "UDP/TLS/RTP/SAVPF";  // JSEP 5.1.2: DTLS-SRTP with feedback

// What was decided for one offered m-line.
struct Acceptance {
  bool accepted = false;
  size_t codec = 0;  // index into the m-line's codecs (RTP)
};

// Why an RTP m-line cannot carry what we send, or empty when it can.
std::string rtp_refusal(const WhepOffer& offer, const OfferedMedia& media) {
  if (!media.offered()) return "rejected by the offer (port 0)";
  if (media.mid.empty()) return "no a=mid";
  if (!offer.bundle.empty() &&
      std::find(offer.bundle.begin(), offer.bundle.end(), media.mid) == offer.bundle.end())
    return "not in the BUNDLE group";
  if (media.protocol != kRtpProtocol)
    return "protocol " + media.protocol + " is not " + std::string(kRtpProtocol);
  if (!media.rtcp_mux) return "no a=rtcp-mux";
  if (media.direction != MediaDirection::recvonly && media.direction != MediaDirection::sendrecv)
    return "does not receive";
  return {};
}

struct Plan {
  std::vector<Acceptance> media;
  std::optional<size_t> video, audio, data;  // indexes of the accepted m-lines
};

Result<Plan> plan_answer(const WhepOffer& offer, const WhepAnswerOptions& options) {
  Plan plan;
  plan.media.resize(offer.media.size());
  std::string video_refusals;
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const OfferedMedia& media = offer.media[i];
    if (media.kind == "video" && !plan.video) {
      std::string why = rtp_refusal(offer, media);
      const auto codec = choose_h264(media.codecs, options.h264_profile_level_id);
      if (why.empty() && !codec) why = "no H.264 with packetization-mode=1";
      if (why.empty()) {
        plan.media[i] = {true, *codec};
        plan.video = i;
      } else {
        video_refusals += (video_refusals.empty() ? "" : "; ") + ("m-line " + std::to_string(i) + ": " + why);
      }
    } else if (media.kind == "audio" && !plan.audio && options.audio) {
      const auto codec = choose_opus(media.codecs);
      if (rtp_refusal(offer, media).empty() && codec) {
        plan.media[i] = {true, *codec};
        plan.audio = i;
      }
    } else if (media.is_datachannel() && !plan.data && media.offered() && !media.mid.empty() &&
               media.sctp_port &&
               (offer.bundle.empty() ||
                std::find(offer.bundle.begin(), offer.bundle.end(), media.mid) != offer.bundle.end())) {
      plan.media[i] = {true, 0};
      plan.data = i;
    }
  }
  if (!plan.video)
    return fail(Errc::unsupported,
                "offer has no video m-line for H.264 with packetization-mode=1" +
                    (video_refusals.empty() ? std::string() : " (" + video_refusals + ")"));
  const size_t accepted =
      std::count_if(plan.media.begin(), plan.media.end(), [](const Acceptance& a) { return a.accepted; });
  if (offer.bundle.empty() && accepted > 1)
    return fail(Errc::unsupported,
                "offer has several m-lines and no a=group:BUNDLE; one transport per session (RFC 9143)");
  return plan;
}

// RFC 8445 5.1.2.1: (2^24) type preference (126, host) + (2^8) local preference + (256 - component).
uint32_t host_priority(size_t index) {
  const uint32_t local_preference = 65535 - static_cast<uint32_t>(std::min<size_t>(index, 65535));
  return (126u << 24) | (local_preference << 8) | (256 - 1);
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

class AnswerWriter {
 public:
  explicit AnswerWriter(const WhepAnswerOptions& options) : options_(options) {}

  void line(std::string_view text) { sdp_.append(text).append("\r\n"); }

  void session(const std::vector<std::string>& bundle) {
    line("v=0");
    line("o=- " + std::to_string(options_.session_id) + " 1 IN IP4 0.0.0.0");
    line("s=-");
    line("t=0 0");
    if (!bundle.empty()) line("a=group:BUNDLE " + join(bundle));
    line("a=ice-lite");  // RFC 8839 5.3: session level
  }

  // JSEP 5.3.1: a rejected m-line keeps its media, protocol and formats, with port 0.
  void rejected(const OfferedMedia& media) {
    line("m=" + media.kind + " 0 " + media.protocol + " " + join(media.formats));
    line("c=IN IP4 0.0.0.0");
    if (!media.mid.empty()) line("a=mid:" + media.mid);
  }

  // Port 9 ("discard") and 0.0.0.0: ICE picks the addresses (RFC 8839 4.2.1.2), as JSEP does.
  void transport(const OfferedMedia& media, std::string_view formats) {
    line("m=" + media.kind + " 9 " + media.protocol + " " + std::string(formats));
    line("c=IN IP4 0.0.0.0");
    line("a=mid:" + media.mid);
    line("a=ice-ufrag:" + options_.ice_ufrag);
    line("a=ice-pwd:" + options_.ice_pwd);
    line("a=fingerprint:sha-256 " + options_.fingerprint_sha256);
    line("a=setup:passive");  // RFC 8842 5.2: we are the DTLS server
  }

  void candidates() {
    for (size_t i = 0; i < options_.candidates.size(); ++i) {
      const HostCandidate& c = options_.candidates[i];
      line("a=candidate:" + std::to_string(i + 1) + " 1 udp " + std::to_string(host_priority(i)) + " " +
           c.address + " " + std::to_string(c.port) + " typ host");
    }
    line("a=end-of-candidates");  // RFC 8840 8.2: no trickled candidates will follow
  }

  void ssrc(uint32_t ssrc, const std::string& track) {
    const std::string msid = options_.stream_id + " " + track;
    line("a=msid:" + msid);
    line("a=ssrc:" + std::to_string(ssrc) + " cname:" + options_.cname);
    line("a=ssrc:" + std::to_string(ssrc) + " msid:" + msid);
  }

  NegotiatedVideo video(const OfferedMedia& media, const RtpCodec& codec) {
    NegotiatedVideo video{media.mid, codec.payload_type, h264_profile_level_id(codec)};
    const std::string pt = std::to_string(codec.payload_type);
    transport(media, pt);
    line("a=sendonly");
    line("a=rtcp-mux");
    line("a=rtpmap:" + pt + " H264/90000");
    const auto offered = [&](std::string_view kind) {
      return std::find(codec.feedback.begin(), codec.feedback.end(), kind) != codec.feedback.end();
    };
    video.nack = offered("nack");
    video.pli = offered("nack pli");
    video.fir = offered("ccm fir");
    if (video.nack) line("a=rtcp-fb:" + pt + " nack");
    if (video.pli) line("a=rtcp-fb:" + pt + " nack pli");
    if (video.fir) line("a=rtcp-fb:" + pt + " ccm fir");
    line("a=fmtp:" + pt +
         " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + video.profile_level_id);
    ssrc(options_.video_ssrc, options_.video_track_id);
    candidates();
    return video;
  }

  NegotiatedAudio audio(const OfferedMedia& media, const RtpCodec& codec) {
    const std::string pt = std::to_string(codec.payload_type);
    transport(media, pt);
    line("a=sendonly");
    line("a=rtcp-mux");
    line("a=rtpmap:" + pt + " opus/48000/2");
    line("a=fmtp:" + pt + " minptime=10;useinbandfec=1");
    ssrc(options_.audio_ssrc, options_.audio_track_id);
    candidates();
    return {media.mid, codec.payload_type};
  }

  NegotiatedDataChannel data_channel(const OfferedMedia& media) {
    transport(media, "webrtc-datachannel");
    line("a=sctp-port:" + std::to_string(*media.sctp_port));
    line("a=max-message-size:" + std::to_string(options_.max_message_size));
    candidates();
    return {media.mid, *media.sctp_port, media.max_message_size.value_or(65536)};
  }

  std::string take() { return std::move(sdp_); }

 private:
  const WhepAnswerOptions& options_;
  std::string sdp_;
};

}  // namespace

Result<WhepAnswer> build_whep_answer(const WhepOffer& offer, const WhepAnswerOptions& options) {
  auto plan = plan_answer(offer, options);
  if (!plan) return tl::unexpected(std::move(plan.error()));
  // RFC 9143 7.3.1: the answer's group lists the accepted mids in the offer's order.
  std::vector<std::string> bundle;
  for (const std::string& mid : offer.bundle)
    for (size_t i = 0; i < offer.media.size(); ++i)
      if (plan->media[i].accepted && offer.media[i].mid == mid) bundle.push_back(mid);

  WhepAnswer answer{{}, offer.ice_ufrag, offer.ice_pwd, offer.fingerprints, {}, {}, {}};
  AnswerWriter writer(options);
  writer.session(bundle);
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const OfferedMedia& media = offer.media[i];
    if (i == plan->video) {
      answer.video = writer.video(media, media.codecs[plan->media[i].codec]);
    } else if (i == plan->audio) {
      answer.audio = writer.audio(media, media.codecs[plan->media[i].codec]);
    } else if (i == plan->data) {
      answer.data_channel = writer.data_channel(media);
    } else {
      writer.rejected(media);
    }
  }
  answer.sdp = writer.take();
  return answer;
}

}  // namespace liverelay::webrtc
