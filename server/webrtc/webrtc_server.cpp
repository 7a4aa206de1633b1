// WebRtcServer: WHEP sessions made and ended, datagrams routed to them, their clocks driven.
#include "server/webrtc/webrtc_server.hpp"

#include <array>

#include <fmt/format.h>

#include "protocol/webrtc/ice_credentials.hpp"
#include "protocol/webrtc/packet_demux.hpp"
#include "protocol/webrtc/whep_offer.hpp"
#include "server/clock.hpp"
#include "server/logging.hpp"
#include "server/room/room_registry.hpp"
#include "server/stream/stream_registry.hpp"
#include "server/webrtc/random_value.hpp"
#include "server/webrtc/srtp_session.hpp"

namespace liverelay::webrtc {
namespace {

// A non-zero SSRC: some receivers treat 0 as "unset".
uint32_t random_ssrc() {
  for (;;) {
    if (auto ssrc = static_cast<uint32_t>(random_u64()); ssrc != 0) return ssrc;
  }
}

// Every interface's address for a socket bound to the wildcard, external ones first.
std::vector<std::string> interface_addresses(bool ipv6) {
  uv_interface_address_t* interfaces = nullptr;
  int count = 0;
  std::vector<std::string> external;
  std::vector<std::string> internal;
  if (uv_interface_addresses(&interfaces, &count) != 0) return {};
  for (int i = 0; i < count; ++i) {
    const uv_interface_address_t& entry = interfaces[i];
    const bool is_v6 = entry.address.address4.sin_family == AF_INET6;
    if (is_v6 != ipv6) continue;
    char name[INET6_ADDRSTRLEN] = {};
    if (is_v6) {
      if (IN6_IS_ADDR_LINKLOCAL(&entry.address.address6.sin6_addr)) continue;  // needs a scope: useless in SDP
      uv_ip6_name(&entry.address.address6, name, sizeof(name));
    } else {
      uv_ip4_name(&entry.address.address4, name, sizeof(name));
    }
    (entry.is_internal ? internal : external).emplace_back(name);
  }
  uv_free_interface_addresses(interfaces, count);
  external.insert(external.end(), internal.begin(), internal.end());
  return external;
}

}  // namespace

WebRtcServer::WebRtcServer(uv_loop_t* loop, StreamRegistry& streams, RoomRegistry& rooms, WebRtcServerOptions options)
    : loop_(loop), streams_(streams), rooms_(rooms), options_(std::move(options)) {}

WebRtcServer::~WebRtcServer() { stop(); }

Result<void> WebRtcServer::start() {
  if (auto srtp = init_srtp_library(); !srtp) return tl::unexpected(std::move(srtp.error()).context("SRTP"));
  auto certificate = options_.certificate_file.empty()
                         ? DtlsCertificate::generate()
                         : DtlsCertificate::load_pem_files(options_.certificate_file, options_.key_file);
  if (!certificate) return tl::unexpected(std::move(certificate.error()).context("DTLS certificate"));
  certificate_.emplace(std::move(*certificate));
  auto context = DtlsContext::create(*certificate_);
  if (!context) return tl::unexpected(std::move(context.error()).context("DTLS"));
  dtls_.emplace(std::move(*context));
  sctp_ = std::make_unique<UsrsctpLibrary>();
  auto socket = UdpSocket::bind(loop_, options_.udp, [this](std::span<const uint8_t> datagram, const sockaddr* from) {
    on_datagram(datagram, from);
  });
  if (!socket) return tl::unexpected(std::move(socket.error()).context("WebRTC"));
  socket_ = std::move(*socket);
  compute_candidates();
  timer_ = std::make_unique<Timer>(loop_);  // ticks only while there are sessions: see keep_ticking
  std::string announced;
  for (const auto& candidate : candidates_) {
    announced += fmt::format("{}{}:{}", announced.empty() ? "" : ", ", candidate.address, candidate.port);
  }
  logger("webrtc")->info("WebRTC (WHEP) on UDP {}, announcing {}", socket_->local_endpoint().to_string(), announced);
  return {};
}

void WebRtcServer::stop() {
  timer_.reset();
  ticking_ = false;
  while (!sessions_.empty()) destroy_session(sessions_.begin()->first);
  feeds_.clear();
  socket_.reset();
  if (sctp_) {
    if (auto done = sctp_->shutdown(); !done) logger("webrtc")->warn("usrsctp: {}", done.error().message);
    sctp_.reset();
  }
}

Endpoint WebRtcServer::local_endpoint() const { return socket_ ? socket_->local_endpoint() : options_.udp; }

void WebRtcServer::compute_candidates() {
  const Endpoint bound = socket_->local_endpoint();
  candidates_.clear();
  std::vector<std::string> addresses = options_.candidates;
  if (addresses.empty()) {
    if (bound.host == "0.0.0.0" || bound.host == "::") {
      addresses = interface_addresses(bound.host == "::");
    } else {
      addresses.push_back(bound.host);
    }
  }
  for (auto& address : addresses) candidates_.push_back(HostCandidate{std::move(address), bound.port});
}

size_t WebRtcServer::sessions_of(const std::string& stream) const {
  size_t count = 0;
  for (const auto& [id, session] : sessions_) count += session->stream() == stream ? 1 : 0;
  return count;
}

WebRtcFeed* WebRtcServer::feed_for(const std::string& stream_name) {
  if (auto it = feeds_.find(stream_name); it != feeds_.end()) return it->second.get();
  Stream* stream = streams_.find(stream_name);
  if (stream == nullptr) return nullptr;
  WebRtcFeedOptions options;
  options.reencode_bframes = options_.reencode_bframes;
  auto feed = std::make_unique<WebRtcFeed>(loop_, *stream, options);
  return feeds_.emplace(stream_name, std::move(feed)).first->second.get();
}

tl::expected<WhepCreated, WhepRefusal> WebRtcServer::create_session(const std::string& stream_name,
                                                                     std::string_view offer_sdp,
                                                                     const std::string& address,
                                                                     const std::string& user_agent) {
  auto refuse = [](int status, std::string reason) { return tl::unexpected(WhepRefusal{status, std::move(reason)}); };
  if (!socket_) return refuse(503, "WebRTC is not running");
  const Stream* stream = streams_.find(stream_name);
  if (stream == nullptr || !stream->live()) return refuse(404, fmt::format("stream {} is not live", stream_name));
  if (sessions_.size() >= options_.max_sessions) return refuse(503, "too many WebRTC viewers on this server");
  if (auto it = sessions_per_address_.find(address);
      it != sessions_per_address_.end() && it->second >= options_.max_sessions_per_address) {
    return refuse(429, fmt::format("too many WebRTC sessions from {}", address));
  }
  WebRtcFeed* feed = feed_for(stream_name);
  auto drop_unused_feed = [&] {
    if (sessions_of(stream_name) == 0) feeds_.erase(stream_name);
  };
  const FeedDescription description = feed->describe();
  if (!description.has_video) {
    drop_unused_feed();
    // Just published: the sequence header has not come yet. A player should ask again shortly.
    if (!stream->video()) return refuse(503, fmt::format("stream {} has not sent its video configuration yet", stream_name));
    return refuse(422, fmt::format("stream {} has no H.264 video to send over WebRTC", stream_name));
  }
  if (description.bframes && !options_.reencode_bframes) {
    drop_unused_feed();
    return refuse(422, fmt::format("stream {} has B-frames, which browsers' WebRTC cannot decode: set the "
                                   "encoder to use none (x264 bframes=0, ffmpeg -bf 0, OBS: 'bframes=0' in x264 "
                                   "options) or set webrtc.reencode_bframes = true",
                                   stream_name));
  }

  auto offer = read_whep_offer(offer_sdp);
  if (!offer) {
    drop_unused_feed();
    return refuse(400, offer.error().message);
  }
  auto credentials = generate_ice_credentials();
  if (!credentials || by_ufrag_.contains(credentials->ufrag)) {
    drop_unused_feed();
    return refuse(503, "could not make ICE credentials; try again");
  }
  WhepAnswerOptions options;
  options.ice_ufrag = credentials->ufrag;
  options.ice_pwd = credentials->pwd;
  options.fingerprint_sha256 = certificate_->fingerprint_sha256();
  options.candidates = candidates_;
  options.h264_profile_level_id = description.profile_level_id;
  options.audio = description.has_audio;
  options.video_ssrc = random_ssrc();
  options.audio_ssrc = random_ssrc();
  options.cname = fmt::format("{:016x}", random_u64());
  options.session_id = random_u64() >> 2;  // JSEP 5.2.1: under 2^63
  auto answer = build_whep_answer(*offer, options);
  if (!answer) {
    drop_unused_feed();
    return refuse(400, answer.error().message);
  }

  WhepSessionConfig config;
  config.id = fmt::format("{:016x}", random_u64());
  config.stream = stream_name;
  config.ice = IceSessionCredentials{credentials->ufrag, credentials->pwd, answer->remote_ufrag};
  config.video_ssrc = options.video_ssrc;
  config.audio_ssrc = options.audio_ssrc;
  config.cname = options.cname;
  config.address = address;
  config.user_agent = user_agent;
  std::string sdp = answer->sdp;
  config.answer = std::move(*answer);
  keep_ticking();  // before the session's association exists: see there
  auto session = WhepSession::create(*this, *dtls_, *feed, rooms_.room(stream_name), std::move(config),
                                     options_.room_limits, steady_ms());
  if (!session) {
    drop_unused_feed();
    return refuse(500, session.error().message);
  }
  const std::string id = (*session)->id();
  by_ufrag_[(*session)->local_ufrag()] = session->get();
  sessions_.emplace(id, std::move(*session));
  ++sessions_per_address_[address];
  ++counters_.sessions_created;
  logger("webrtc")->info("session {} (stream {}): offer from {} answered", id, stream_name, address);
  return WhepCreated{id, std::move(sdp)};
}

bool WebRtcServer::end_session(const std::string& stream, const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second->stream() != stream) return false;
  logger("webrtc")->info("session {} (stream {}): ended by the viewer", id, stream);
  destroy_session(id);
  return true;
}

void WebRtcServer::destroy_session(const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  WhepSession* session = it->second.get();
  const std::string stream = session->stream();
  if (auto count = sessions_per_address_.find(session->address()); count != sessions_per_address_.end()) {
    if (--count->second == 0) sessions_per_address_.erase(count);
  }
  by_ufrag_.erase(session->local_ufrag());
  std::erase_if(by_address_, [session](const auto& entry) { return entry.second == session; });
  sessions_.erase(it);  // leaves the room, says close_notify
  if (sessions_of(stream) == 0) feeds_.erase(stream);  // transcoders stop with the last viewer
}

void WebRtcServer::send_datagram(std::span<const uint8_t> datagram, const TransportAddress& to) {
  if (!socket_) return;
  const sockaddr_storage address = to_sockaddr(to);
  socket_->send(datagram, reinterpret_cast<const sockaddr*>(&address));
}

void WebRtcServer::bind_address(WhepSession& session, const TransportAddress& address) {
  by_address_[address] = &session;
}

void WebRtcServer::close_later(WhepSession& session, std::string) { closed_.push_back(session.id()); }

void WebRtcServer::reap_closed() {
  while (!closed_.empty()) {
    std::vector<std::string> closed;
    closed.swap(closed_);
    for (const std::string& id : closed) destroy_session(id);
  }
}

void WebRtcServer::on_datagram(std::span<const uint8_t> datagram, const sockaddr* from) {
  ++counters_.datagrams_in;
  const TransportAddress source = to_transport_address(from);
  const int64_t now_ms = steady_ms();
  const PacketKind kind = classify_packet(datagram);
  if (kind == PacketKind::stun) {
    on_stun(datagram, source);
  } else if (auto it = by_address_.find(source); it == by_address_.end()) {
    // DTLS or media from an address no check succeeded from: nobody's, and no session is made
    // for it (a flood from a stranger costs one hash lookup per datagram).
    ++counters_.unroutable;
  } else if (kind == PacketKind::dtls) {
    it->second->on_dtls(datagram, source, now_ms);
  } else if (kind == PacketKind::rtcp) {
    it->second->on_srtcp(datagram, now_ms);
  } else {
    ++counters_.unroutable;  // a viewer sends no RTP to a send-only server; unknown protocols
  }
  reap_closed();
}

void WebRtcServer::on_stun(std::span<const uint8_t> datagram, const TransportAddress& from) {
  auto message = parse_stun_message(datagram);
  if (!message || message->method() != kStunBindingMethod || message->message_class() != StunClass::request) {
    ++counters_.unroutable;  // indications (keepalives) need no answer; responses are not ours
    return;
  }
  auto username = message->attribute(stun_attr::kUsername);
  std::optional<IceUsername> parts;
  if (username) parts = split_ice_username(std::string_view(reinterpret_cast<const char*>(username->data()), username->size()));
  auto it = parts ? by_ufrag_.find(parts->local_ufrag) : by_ufrag_.end();
  if (it == by_ufrag_.end()) {
    ++counters_.unroutable;
    return;
  }
  it->second->on_stun(*message, from, steady_ms());
}

// usrsctp's timers, consent and the sessions' reports want a tick every 10 ms, but only while
// something is there to time: an idle server must not wake 100 times a second for nothing.
void WebRtcServer::keep_ticking() {
  idle_ticks_ = 0;
  if (ticking_) return;
  ticking_ = true;
  // Brings usrsctp's clock over the idle gap while no association exists, so the next
  // association's timers do not see minutes pass at once.
  sctp_->tick(static_cast<uint64_t>(steady_ms()));
  timer_->start(UsrsctpLibrary::kTimerIntervalMs, UsrsctpLibrary::kTimerIntervalMs, [this] { tick(); });
}

void WebRtcServer::tick() {
  const auto now_ms = steady_ms();
  sctp_->tick(static_cast<uint64_t>(now_ms));
  const int64_t now_wall_ms = wall_ms();
  for (auto& [id, session] : sessions_) session->tick(now_ms, now_wall_ms);
  reap_closed();
  if (!sessions_.empty() || sctp_->associations() > 0) {
    idle_ticks_ = 0;
  } else if (++idle_ticks_ >= kIdleTicksBeforeStop) {  // usrsctp frees closed endpoints on its timers
    timer_->stop();
    ticking_ = false;
  }
}

}  // namespace liverelay::webrtc
