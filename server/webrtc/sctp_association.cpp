// An SCTP association over usrsctp's AF_CONN transport: sockets, sending, and handing packets and
// events out once usrsctp has returned. What arrives is handled in sctp_association_receive.cpp.
#include "server/webrtc/sctp_association.hpp"

#include <arpa/inet.h>
#include <usrsctp.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "server/logging.hpp"
#include "server/webrtc/usrsctp_library.hpp"

namespace liverelay::webrtc {

namespace {

// usrsctp adds the 12-byte common header on top of an AF_CONN path's MTU.
constexpr uint32_t kSctpPathMtu = kSctpMaxPacketSize - sizeof(sctp_common_header);
// RFC 8831 6.2 allows 65535; a session has a handful of channels, and every stream costs memory.
constexpr uint16_t kSctpStreams = 1024;

Error errno_error(std::string_view call) {
  return Error{Errc::io, std::string(call) + ": " + std::strerror(errno)};
}

template <class T>
Result<void> set_option(struct socket* socket, int level, int option, const T& value, std::string_view name) {
  if (usrsctp_setsockopt(socket, level, option, &value, static_cast<socklen_t>(sizeof(value))) < 0)
    return tl::unexpected(errno_error(name));
  return {};
}

sockaddr_conn conn_address(uintptr_t id, uint16_t port) {
  sockaddr_conn address{};
  address.sconn_family = AF_CONN;
  address.sconn_port = htons(port);
  address.sconn_addr = reinterpret_cast<void*>(id);
  return address;
}

}  // namespace

// usrsctp calls these inside its own code: they only record, the association acts after.
struct SctpCallbacks {
  static int on_receive(struct socket*, union sctp_sockstore, void* data, size_t length,
                        struct sctp_rcvinfo info, int flags, void* ulp_info) {
    // usrsctp hands over a malloc'ed copy; a null one signals EOF on the socket, which the
    // association-change notification reports already.
    std::unique_ptr<void, decltype(&std::free)> owned(data, &std::free);
    auto* association = SctpAssociation::from_usrsctp(ulp_info);
    if (association == nullptr || data == nullptr) return 1;
    const auto* bytes = static_cast<const uint8_t*>(data);
    association->inbound_.push_back(SctpAssociation::Inbound{
        std::vector<uint8_t>(bytes, bytes + length), info.rcv_sid, ntohl(info.rcv_ppid),
        (flags & MSG_NOTIFICATION) != 0, (flags & MSG_EOR) != 0});
    return 1;
  }

  // Called with the free space of the send buffer each time a SACK frees some (threshold 0).
  static int on_send_space(struct socket*, uint32_t free_bytes, void* ulp_info) {
    if (auto* association = SctpAssociation::from_usrsctp(ulp_info)) {
      const size_t limit = association->send_buffer_limit_;
      association->buffered_ = free_bytes >= limit ? 0 : limit - free_bytes;
    }
    return 0;
  }
};

SctpAssociation* SctpAssociation::from_usrsctp(void* id) {
  auto* library = UsrsctpLibrary::current();
  return library == nullptr ? nullptr : library->find(reinterpret_cast<uintptr_t>(id));
}

Result<std::unique_ptr<SctpAssociation>> SctpAssociation::create(UsrsctpLibrary& library,
                                                                 SctpAssociationConfig config,
                                                                 PacketSink on_packet, EventSink on_event) {
  const std::string subject = "sctp " + config.name;
  if (config.send_buffer_size < std::min(config.max_message_size, config.remote_max_message_size))
    return fail(Errc::refused, subject + ": send buffer of " + std::to_string(config.send_buffer_size) +
                                   " bytes cannot hold one message of the largest size");
  std::unique_ptr<SctpAssociation> association(
      new SctpAssociation(library, std::move(config), std::move(on_packet), std::move(on_event)));
  if (auto started = association->start(); !started) return tl::unexpected(started.error().context(subject));
  association->flush();  // the client's INIT
  return association;
}

SctpAssociation::SctpAssociation(UsrsctpLibrary& library, SctpAssociationConfig config, PacketSink on_packet,
                                 EventSink on_event)
    : library_(library),
      config_(std::move(config)),
      on_packet_(std::move(on_packet)),
      on_event_(std::move(on_event)) {
  id_ = library_.attach(*this);
  usrsctp_register_address(reinterpret_cast<void*>(id_));
}

SctpAssociation::~SctpAssociation() {
  *alive_ = false;
  // Detached first: the ABORT that closing sends, and any notification, find no owner.
  library_.detach(id_);
  close_sockets();
  usrsctp_deregister_address(reinterpret_cast<void*>(id_));
}

Result<void> SctpAssociation::start() {
  struct socket* socket = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, &SctpCallbacks::on_receive,
                                         &SctpCallbacks::on_send_space, 0, reinterpret_cast<void*>(id_));
  if (socket == nullptr) return tl::unexpected(errno_error("usrsctp_socket"));
  (config_.role == SctpRole::server ? listener_ : socket_) = socket;
  if (auto configured = configure_socket(socket); !configured) return configured;

  // AF_CONN: usrsctp_conninput uses our id as both ends' address, so we bind and connect to it.
  auto local = conn_address(id_, config_.local_port);
  if (usrsctp_bind(socket, reinterpret_cast<sockaddr*>(&local), sizeof(local)) < 0)
    return tl::unexpected(errno_error("usrsctp_bind port " + std::to_string(config_.local_port)));
  if (config_.role == SctpRole::server) {
    if (usrsctp_listen(socket, 1) < 0) return tl::unexpected(errno_error("usrsctp_listen"));
    return {};
  }
  auto remote = conn_address(id_, config_.remote_port);
  if (usrsctp_connect(socket, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) < 0 &&
      errno != EINPROGRESS)
    return tl::unexpected(errno_error("usrsctp_connect"));
  return {};
}

// Options set before listen or connect: an accepted socket inherits them from the listener.
Result<void> SctpAssociation::configure_socket(struct socket* socket) {
  if (usrsctp_set_non_blocking(socket, 1) < 0) return tl::unexpected(errno_error("usrsctp_set_non_blocking"));
  // Closing aborts at once: nothing lingers in usrsctp after the association is destroyed.
  const linger abort_on_close{1, 0};
  Result<void> ok = set_option(socket, SOL_SOCKET, SO_LINGER, abort_on_close, "SO_LINGER");
  const int send_buffer = static_cast<int>(config_.send_buffer_size);
  const int receive_buffer = static_cast<int>(config_.receive_buffer_size);
  if (ok) ok = set_option(socket, SOL_SOCKET, SO_SNDBUF, send_buffer, "SO_SNDBUF");
  if (ok) ok = set_option(socket, SOL_SOCKET, SO_RCVBUF, receive_buffer, "SO_RCVBUF");
  if (ok) ok = set_option(socket, IPPROTO_SCTP, SCTP_NODELAY, 1, "SCTP_NODELAY");
  sctp_assoc_value reset{};
  reset.assoc_id = SCTP_FUTURE_ASSOC;
  reset.assoc_value = SCTP_ENABLE_RESET_STREAM_REQ;
  if (ok) ok = set_option(socket, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, reset, "SCTP_ENABLE_STREAM_RESET");
  sctp_initmsg streams{};
  streams.sinit_num_ostreams = kSctpStreams;
  streams.sinit_max_instreams = kSctpStreams;
  if (ok) ok = set_option(socket, IPPROTO_SCTP, SCTP_INITMSG, streams, "SCTP_INITMSG");
  sctp_paddrparams path{};
  path.spp_assoc_id = SCTP_FUTURE_ASSOC;
  path.spp_flags = SPP_PMTUD_DISABLE;
  path.spp_pathmtu = kSctpPathMtu;
  if (ok) ok = set_option(socket, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, path, "SCTP_PEER_ADDR_PARAMS");
  for (const uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT, SCTP_PARTIAL_DELIVERY_EVENT}) {
    sctp_event event{};
    event.se_assoc_id = SCTP_FUTURE_ASSOC;
    event.se_type = type;
    event.se_on = 1;
    if (ok) ok = set_option(socket, IPPROTO_SCTP, SCTP_EVENT, event, "SCTP_EVENT");
  }
  if (!ok) return ok;
  int actual = 0;
  socklen_t size = sizeof(actual);
  if (usrsctp_getsockopt(socket, SOL_SOCKET, SO_SNDBUF, &actual, &size) < 0)
    return tl::unexpected(errno_error("SO_SNDBUF"));
  send_buffer_limit_ = static_cast<size_t>(actual);
  return {};
}

void SctpAssociation::receive(std::span<const uint8_t> packet) {
  // Under 12 bytes there is no SCTP common header (RFC 9260 3.1): not worth usrsctp's time.
  if (packet.size() < sizeof(sctp_common_header) || state_ == State::closed) return;
  usrsctp_conninput(reinterpret_cast<void*>(id_), packet.data(), packet.size(), 0);
  flush();
}

void SctpAssociation::queue_packet_out(std::span<const uint8_t> packet) {
  packets_out_.emplace_back(packet.begin(), packet.end());
}

void SctpAssociation::flush() {
  if (flushing_) return;  // the outer call's loop picks up what this one would have
  flushing_ = true;
  const auto alive = alive_;
  while (true) {
    process_inbound();
    if (!packets_out_.empty()) {
      const auto packet = std::move(packets_out_.front());
      packets_out_.pop_front();
      if (on_packet_) on_packet_(packet);
    } else if (!events_.empty()) {
      auto event = std::move(events_.front());
      events_.pop_front();
      if (on_event_) on_event_(std::move(event));
    } else {
      break;
    }
    if (!*alive) return;  // a sink destroyed us: touch nothing
  }
  flushing_ = false;
}

Result<void> SctpAssociation::open_channel(uint16_t stream_id, const DataChannelOpen& open) {
  if (channels_.contains(stream_id))
    return fail(Errc::refused,
                "sctp " + name() + ": stream " + std::to_string(stream_id) + " already has a channel");
  auto message = build_data_channel_open(open);
  if (!message) return tl::unexpected(message.error().context("sctp " + name()));
  channels_.emplace(stream_id, Channel{open, ChannelState::opening});
  auto sent = send_message(stream_id, kPpidDcep, *message, true);
  if (!sent) channels_.erase(stream_id);
  return sent;
}

Result<void> SctpAssociation::send_text(uint16_t stream_id, std::string_view text) {
  const auto payload =
      outgoing_payload({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, /*binary=*/false);
  return send_message(stream_id, payload.ppid, payload.bytes);
}

Result<void> SctpAssociation::send_binary(uint16_t stream_id, std::span<const uint8_t> bytes) {
  const auto payload = outgoing_payload(bytes, /*binary=*/true);
  return send_message(stream_id, payload.ppid, payload.bytes);
}

Result<void> SctpAssociation::send_message(uint16_t stream_id, uint32_t ppid, std::span<const uint8_t> bytes,
                                           bool dcep) {
  const std::string subject = "sctp " + name() + ": stream " + std::to_string(stream_id);
  if (state_ != State::established || socket_ == nullptr)
    return fail(Errc::closed,
                subject + ": association " + (state_ == State::closed ? "closed" : "not up yet"));
  const auto channel = channels_.find(stream_id);
  if (channel == channels_.end() || (!dcep && channel->second.state == ChannelState::closing))
    return fail(Errc::refused, subject + ": no open channel");
  const size_t limit = std::min(config_.max_message_size, config_.remote_max_message_size);
  if (bytes.size() > limit)
    return fail(Errc::over_limit, subject + ": message of " + std::to_string(bytes.size()) +
                                      " bytes over the " + std::to_string(limit) + "-byte limit");

  sctp_sendv_spa spa{};
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_sid = stream_id;
  spa.sendv_sndinfo.snd_ppid = htonl(ppid);
  // DCEP goes ordered and reliable (RFC 8832 6); so does data on a channel we opened until the
  // ACK (RFC 8832 6); then data follows the channel type (RFC 8831 6.6).
  const DataChannelOpen& params = channel->second.params;
  if (!dcep && channel->second.state == ChannelState::open) {
    if (!is_ordered(params.channel_type)) spa.sendv_sndinfo.snd_flags |= SCTP_UNORDERED;
    if (!is_reliable(params.channel_type)) {
      const bool timed = (static_cast<uint8_t>(params.channel_type) & 0x7F) == 0x02;
      spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
      spa.sendv_prinfo.pr_policy = timed ? SCTP_PR_SCTP_TTL : SCTP_PR_SCTP_RTX;
      spa.sendv_prinfo.pr_value = params.reliability_parameter;
    }
  }
  if (usrsctp_sendv(socket_, bytes.data(), bytes.size(), nullptr, 0, &spa, sizeof(spa), SCTP_SENDV_SPA, 0) <
      0) {
    if (errno == EWOULDBLOCK || errno == EAGAIN || errno == EMSGSIZE)
      return fail(Errc::over_limit, subject + ": send buffer full (" + std::to_string(buffered_) + " of " +
                                        std::to_string(send_buffer_limit_) + " bytes unacknowledged)");
    return tl::unexpected(errno_error(subject + ": usrsctp_sendv"));
  }
  buffered_ += bytes.size();
  flush();
  return {};
}

Result<void> SctpAssociation::close_channel(uint16_t stream_id) {
  const auto channel = channels_.find(stream_id);
  if (channel == channels_.end())
    return fail(Errc::refused, "sctp " + name() + ": stream " + std::to_string(stream_id) + ": no channel");
  if (channel->second.state == ChannelState::closing) return {};
  channel->second.state = ChannelState::closing;
  auto reset = reset_outgoing(stream_id);
  flush();
  return reset;
}

Result<void> SctpAssociation::reset_outgoing(uint16_t stream_id) {
  if (socket_ == nullptr || state_ != State::established)
    return fail(Errc::closed, "sctp " + name() + ": association not up");
  // struct sctp_reset_streams ends in a flexible array: room for one stream id after it.
  std::vector<uint8_t> storage(sizeof(sctp_reset_streams) + sizeof(uint16_t));
  auto* reset = reinterpret_cast<sctp_reset_streams*>(storage.data());
  reset->srs_assoc_id = SCTP_ALL_ASSOC;
  reset->srs_flags = SCTP_STREAM_RESET_OUTGOING;
  reset->srs_number_streams = 1;
  reset->srs_stream_list[0] = stream_id;
  if (usrsctp_setsockopt(socket_, IPPROTO_SCTP, SCTP_RESET_STREAMS, reset,
                         static_cast<socklen_t>(storage.size())) < 0)
    return tl::unexpected(errno_error("sctp " + name() + ": reset stream " + std::to_string(stream_id)));
  return {};
}

void SctpAssociation::close(std::string_view reason) {
  fail_association(std::string(reason));
  flush();
}

void SctpAssociation::fail_association(std::string reason) {
  if (state_ == State::closed) return;
  state_ = State::closed;
  logger("sctp")->info("sctp {}: association closed: {}", name(), reason);
  channels_.clear();
  partial_.clear();
  close_sockets();  // an ABORT to the peer if it is still there
  inbound_.clear();
  events_.emplace_back(std::in_place_type<SctpClosed>, std::move(reason));
}

void SctpAssociation::close_sockets() {
  if (socket_ != nullptr) usrsctp_close(std::exchange(socket_, nullptr));
  if (listener_ != nullptr) usrsctp_close(std::exchange(listener_, nullptr));
}

}  // namespace liverelay::webrtc
