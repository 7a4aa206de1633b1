// ServerSession: the NetConnection and NetStream commands a publishing encoder sends.
#include <fmt/format.h>

#include "protocol/rtmp/control.hpp"
#include "protocol/rtmp/server_session.hpp"
#include "protocol/rtmp/server_session_detail.hpp"

namespace liverelay::rtmp {
using detail::status_object;
using detail::string_argument;
using detail::strip_query;

Result<void> ServerSession::on_command(const Message& message) {
  auto parsed = parse_command(message);
  if (!parsed) return tl::unexpected(std::move(parsed.error()).context("command"));
  const Command& command = *parsed;
  const std::string& name = command.name;

  if (name == "connect") {
    on_connect(command);
  } else if (name == "createStream") {
    send_result(command.transaction_id, amf0::Null{}, static_cast<double>(next_stream_id_++));
  } else if (name == "releaseStream") {
    send_result(command.transaction_id, amf0::Null{}, amf0::Undefined{});
  } else if (name == "FCPublish") {
    // Adobe FMLE expects onFCPublish before the publish result.
    Command reply{"onFCPublish", 0, amf0::Null{},
                  {status_object("status", "NetStream.Publish.Start", string_argument(command, 0))}};
    send(make_command(0, reply));
    send_result(command.transaction_id, amf0::Null{}, amf0::Undefined{});
  } else if (name == "publish") {
    on_publish(message, command);
  } else if (name == "FCUnpublish") {
    if (publishing_stream_) end_publish(*publishing_stream_);
    send_result(command.transaction_id, amf0::Null{}, amf0::Undefined{});
  } else if (name == "deleteStream") {
    auto id = command.arguments.empty() ? std::nullopt : command.arguments[0].as_number();
    if (id && *id >= 0 && *id < 4294967296.0) end_stream(static_cast<uint32_t>(*id));
  } else if (name == "closeStream") {
    end_stream(message.message_stream_id);
  } else if (detail::is_play_command(name)) {
    on_stream_command(message, command);
  } else if (command.transaction_id != 0) {
    // An unknown request gets an error result, never a dropped connection.
    Command reply{"_error", command.transaction_id, amf0::Null{},
                  {status_object("error", "NetConnection.Call.Failed",
                                 fmt::format("unsupported command {}", name.substr(0, 64)))}};
    send(make_command(message.message_stream_id, reply));
  }
  return {};
}

void ServerSession::on_connect(const Command& command) {
  ConnectRequested request;
  if (const auto* app = command.command_object.get("app"); app && app->as_string()) {
    request.app = strip_query(*app->as_string());
  }
  if (const auto* url = command.command_object.get("tcUrl"); url && url->as_string()) {
    request.tc_url = *url->as_string();
  }
  if (const auto* ver = command.command_object.get("flashVer"); ver && ver->as_string()) {
    request.flash_ver = *ver->as_string();
  }
  if (request.app != options_.accepted_app) {
    Command reply{"_error", command.transaction_id, amf0::Null{},
                  {status_object("error", "NetConnection.Connect.Rejected",
                                 fmt::format("unknown application; publish to /{}/<key>",
                                             options_.accepted_app))}};
    send(make_command(0, reply));
    events_.push_back(std::move(request));
    return;
  }
  connected_ = true;
  send(make_window_ack_size(options_.window_ack_size));
  send(make_set_peer_bandwidth(options_.peer_bandwidth, PeerBandwidthLimit::dynamic));
  send(make_set_chunk_size(options_.out_chunk_size));
  writer_.set_chunk_size(options_.out_chunk_size);

  double encoding = 0;
  if (const auto* e = command.command_object.get("objectEncoding"); e && e->as_number()) {
    encoding = *e->as_number();
  }
  amf0::Object properties{{"fmsVer", "FMS/3,5,7,7009"}, {"capabilities", 31.0}, {"mode", 1.0}};
  amf0::Object information{{"level", "status"},
                           {"code", "NetConnection.Connect.Success"},
                           {"description", "Connection succeeded."},
                           {"objectEncoding", encoding}};
  send_result(command.transaction_id, std::move(properties), std::move(information));
  events_.push_back(std::move(request));
}

void ServerSession::on_publish(const Message& message, const Command& command) {
  const uint32_t stream_id = message.message_stream_id;
  if (!connected_ || publishing_stream_ || pending_publish_) {
    send_status(stream_id, "error", "NetStream.Publish.BadName", "already publishing");
    return;
  }
  PublishRequested request;
  request.stream_id = stream_id;
  request.stream_key = strip_query(string_argument(command, 0));
  request.publish_type = string_argument(command, 1);
  pending_publish_ = stream_id;
  events_.push_back(std::move(request));
}

void ServerSession::accept_publish(uint32_t stream_id) {
  if (pending_publish_ != stream_id) return;
  pending_publish_.reset();
  publishing_stream_ = stream_id;
  send(make_user_control({UserControlEvent::stream_begin, stream_id, 0}));
  send_status(stream_id, "status", "NetStream.Publish.Start", "Start publishing");
}

void ServerSession::reject_publish(uint32_t stream_id, std::string_view code,
                                   std::string_view description) {
  if (pending_publish_ == stream_id) pending_publish_.reset();
  send_status(stream_id, "error", code, description);
}

void ServerSession::end_stream(uint32_t stream_id) {
  end_publish(stream_id);
  end_play(stream_id);
}

void ServerSession::end_publish(uint32_t stream_id) {
  if (pending_publish_ == stream_id) pending_publish_.reset();
  if (publishing_stream_ != stream_id) return;
  publishing_stream_.reset();
  send_status(stream_id, "status", "NetStream.Unpublish.Success", "Stop publishing");
  events_.push_back(Unpublished{stream_id});
}

Result<void> ServerSession::on_data(Message message) {
  auto values = parse_data(message);
  if (!values) return tl::unexpected(std::move(values.error()).context("data message"));
  if (const amf0::Value* metadata = metadata_in(*values)) events_.push_back(MetadataReceived{*metadata});
  return {};
}

void ServerSession::send_result(double transaction_id, amf0::Value properties,
                                amf0::Value information) {
  send(make_command(0, Command{"_result", transaction_id, std::move(properties), {std::move(information)}}));
}

void ServerSession::send_status(uint32_t stream_id, std::string_view level, std::string_view code,
                                std::string_view description) {
  send(make_command(stream_id, Command{"onStatus", 0, amf0::Null{},
                                       {status_object(level, code, description)}}));
}

}  // namespace liverelay::rtmp
