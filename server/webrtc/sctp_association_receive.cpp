// What an SCTP association receives: notifications (association up or down, stream resets),
// messages rejoined from partial deliveries, and DCEP opens answered with an ACK.
#include <usrsctp.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "server/logging.hpp"
#include "server/webrtc/sctp_association.hpp"

namespace liverelay::webrtc {

namespace {

// Notification structures come in malloc'ed buffers, but copying keeps the reads aligned and
// lets the size check come first.
template <class T>
bool read_notification(std::span<const uint8_t> bytes, T& out) {
  if (bytes.size() < sizeof(T)) return false;
  std::memcpy(&out, bytes.data(), sizeof(T));
  return true;
}

}  // namespace

void SctpAssociation::process_inbound() {
  accept_pending();
  while (!inbound_.empty() && state_ != State::closed) {
    Inbound item = std::move(inbound_.front());
    inbound_.pop_front();
    if (item.notification) {
      handle_notification(item.bytes);
    } else {
      add_piece(std::move(item));
    }
  }
}

// Server role: the association the peer's COOKIE ECHO created waits on the listener's queue.
// One association per session, so the listener closes once it is taken: a later INIT gets an ABORT.
void SctpAssociation::accept_pending() {
  if (listener_ == nullptr || socket_ != nullptr) return;
  struct socket* accepted = usrsctp_accept(listener_, nullptr, nullptr);
  if (accepted == nullptr) return;  // EWOULDBLOCK: the handshake is not done
  socket_ = accepted;
  usrsctp_close(std::exchange(listener_, nullptr));
}

void SctpAssociation::handle_notification(std::span<const uint8_t> bytes) {
  decltype(sctp_notification::sn_header) header{};
  if (!read_notification(bytes, header)) return;
  switch (header.sn_type) {
    case SCTP_ASSOC_CHANGE:
      handle_association_change(bytes);
      break;
    case SCTP_STREAM_RESET_EVENT:
      handle_stream_reset(bytes);
      break;
    case SCTP_PARTIAL_DELIVERY_EVENT: {
      sctp_pdapi_event event{};
      if (read_notification(bytes, event) && event.pdapi_indication == SCTP_PARTIAL_DELIVERY_ABORTED)
        partial_.erase(static_cast<uint16_t>(event.pdapi_stream));
      break;
    }
    default:
      break;
  }
}

void SctpAssociation::handle_association_change(std::span<const uint8_t> bytes) {
  sctp_assoc_change change{};
  if (!read_notification(bytes, change)) return;
  switch (change.sac_state) {
    case SCTP_COMM_UP:
      if (state_ != State::connecting) return;
      state_ = State::established;
      logger("sctp")->info("sctp {}: association up, {} streams out, {} in", name(),
                           change.sac_outbound_streams, change.sac_inbound_streams);
      events_.push_back(SctpEstablished{});
      return;
    case SCTP_COMM_LOST:
      fail_association("the peer aborted or stopped answering (error " + std::to_string(change.sac_error) +
                       ")");
      return;
    case SCTP_SHUTDOWN_COMP:
      fail_association("shut down");
      return;
    case SCTP_CANT_STR_ASSOC:
      fail_association("the handshake failed");
      return;
    case SCTP_RESTART:
      // The peer's stack started over: its channels are gone, and ours with them.
      fail_association("the peer restarted the association");
      return;
    default:
      return;
  }
}

// RFC 8831 6.7: a channel closes by resetting its outgoing stream; the other side answers with a
// reset of its own. An incoming reset therefore ends the channel, whoever started.
void SctpAssociation::handle_stream_reset(std::span<const uint8_t> bytes) {
  sctp_stream_reset_event event{};
  if (!read_notification(bytes, event)) return;
  if (event.strreset_flags & (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED)) {
    logger("sctp")->warn("sctp {}: the peer refused a stream reset", name());
    return;
  }
  if ((event.strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN) == 0) return;
  const size_t length = std::min<size_t>(event.strreset_length, bytes.size());
  const size_t count = length > sizeof(event) ? (length - sizeof(event)) / sizeof(uint16_t) : 0;
  std::vector<uint16_t> streams;
  for (size_t i = 0; i < count; ++i) {
    uint16_t stream_id = 0;
    std::memcpy(&stream_id, bytes.data() + sizeof(event) + i * sizeof(uint16_t), sizeof(stream_id));
    streams.push_back(stream_id);
  }
  if (count == 0) {  // an empty list resets every stream (RFC 6525 4.1)
    for (const auto& [stream_id, channel] : channels_) streams.push_back(stream_id);
  }
  for (const uint16_t stream_id : streams) {
    const auto channel = channels_.find(stream_id);
    if (channel == channels_.end()) continue;
    if (channel->second.state != ChannelState::closing) {
      if (auto reset = reset_outgoing(stream_id); !reset) logger("sctp")->warn("{}", reset.error().message);
    }
    logger("sctp")->info("sctp {}: channel {} '{}' closed", name(), stream_id, channel->second.params.label);
    channels_.erase(channel);
    partial_.erase(stream_id);
    events_.push_back(ChannelClosed{stream_id});
  }
}

// A message larger than the partial delivery point arrives in pieces, the last with MSG_EOR.
void SctpAssociation::add_piece(Inbound&& piece) {
  const auto partial = partial_.find(piece.stream_id);
  if (partial == partial_.end() && piece.end_of_record) {
    if (piece.bytes.size() > config_.max_message_size) {
      fail_association("message of " + std::to_string(piece.bytes.size()) + " bytes on stream " +
                       std::to_string(piece.stream_id) + " over the limit");
      return;
    }
    handle_message(piece.stream_id, piece.ppid, std::move(piece.bytes));
    return;
  }
  auto& pending = partial == partial_.end() ? partial_[piece.stream_id] : partial->second;
  if (pending.bytes.empty()) pending.ppid = piece.ppid;
  if (pending.bytes.size() + piece.bytes.size() > config_.max_message_size) {
    fail_association("message on stream " + std::to_string(piece.stream_id) + " over " +
                     std::to_string(config_.max_message_size) + " bytes");
    return;
  }
  pending.bytes.insert(pending.bytes.end(), piece.bytes.begin(), piece.bytes.end());
  if (!piece.end_of_record) return;
  Partial whole = std::move(pending);
  partial_.erase(piece.stream_id);
  handle_message(piece.stream_id, whole.ppid, std::move(whole.bytes));
}

void SctpAssociation::handle_message(uint16_t stream_id, uint32_t ppid, std::vector<uint8_t> bytes) {
  const auto kind = payload_kind(ppid);
  if (!kind) {
    logger("sctp")->debug("sctp {}: stream {}: PPID {} ignored", name(), stream_id, ppid);
    return;
  }
  if (*kind == PayloadKind::dcep) {
    handle_dcep(stream_id, bytes);
    return;
  }
  if (!channels_.contains(stream_id)) {
    logger("sctp")->debug("sctp {}: stream {}: message without a channel dropped", name(), stream_id);
    return;
  }
  // RFC 8831 6.6: an empty message travels as one byte that means nothing.
  if (*kind == PayloadKind::string_empty || *kind == PayloadKind::binary_empty) bytes.clear();
  const bool binary = *kind == PayloadKind::binary || *kind == PayloadKind::binary_empty;
  events_.push_back(MessageReceived{stream_id, std::move(bytes), binary});
}

void SctpAssociation::handle_dcep(uint16_t stream_id, std::span<const uint8_t> bytes) {
  auto message = parse_dcep_message(bytes);
  if (!message) {
    logger("sctp")->warn("sctp {}: stream {}: {}", name(), stream_id, message.error().message);
    return;
  }
  if (std::holds_alternative<DataChannelAck>(*message)) {
    const auto channel = channels_.find(stream_id);
    if (channel == channels_.end() || channel->second.state != ChannelState::opening) return;
    channel->second.state = ChannelState::open;
    const auto& params = channel->second.params;
    events_.push_back(ChannelOpened{stream_id, params.label, params.protocol, params.channel_type});
    return;
  }
  auto& open = std::get<DataChannelOpen>(*message);
  if (channels_.contains(stream_id)) {
    logger("sctp")->warn("sctp {}: stream {}: DATA_CHANNEL_OPEN for a stream in use ignored", name(),
                         stream_id);
    return;
  }
  channels_.emplace(stream_id, Channel{open, ChannelState::open});
  // RFC 8832 6: the ACK goes back on the same stream, before any data of ours on it.
  if (auto acked = send_message(stream_id, kPpidDcep, build_data_channel_ack(), true); !acked) {
    logger("sctp")->warn("{}: DATA_CHANNEL_ACK not sent", acked.error().message);
    channels_.erase(stream_id);
    return;
  }
  logger("sctp")->info("sctp {}: channel {} '{}' opened", name(), stream_id, open.label);
  events_.push_back(
      ChannelOpened{stream_id, std::move(open.label), std::move(open.protocol), open.channel_type});
}

}  // namespace liverelay::webrtc
