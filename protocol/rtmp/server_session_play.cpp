// ServerSession: the NetStream commands of a player (RTMP spec 7.2.2) and what a play sends.
#include <array>

#include "protocol/rtmp/control.hpp"
#include "protocol/rtmp/server_session.hpp"
#include "protocol/rtmp/server_session_detail.hpp"

namespace liverelay::rtmp {
using detail::status_object;
using detail::string_argument;
using detail::strip_query;

namespace detail {

bool is_play_command(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "play",        "pause",         "receiveAudio",    "receiveVideo",
      "FCSubscribe", "FCUnsubscribe", "getStreamLength", "play2"};
  for (std::string_view known : kNames) {
    if (name == known) return true;
  }
  return false;
}

}  // namespace detail

namespace {

bool bool_argument(const Command& command, size_t index, bool fallback) {
  if (command.arguments.size() <= index) return fallback;
  if (auto b = command.arguments[index].as_bool()) return *b;
  if (auto n = command.arguments[index].as_number()) return *n != 0;  // some players send 0/1
  return fallback;
}

}  // namespace

void ServerSession::on_stream_command(const Message& message, const Command& command) {
  const std::string& name = command.name;
  if (name == "play") {
    on_play(message, command);
  } else if (name == "pause") {
    on_pause(message, command);
  } else if (name == "receiveAudio") {
    receive_audio_ = bool_argument(command, 0, true);
  } else if (name == "receiveVideo") {
    receive_video_ = bool_argument(command, 0, true);
  } else if (name == "FCSubscribe") {
    // Akamai-style subscription (FFmpeg's -rtmp_subscribe, some CDNs' players): the play that
    // follows does the work; answer as FMS does so that nobody waits for it.
    Command reply{"onFCSubscribe",
                  0,
                  amf0::Null{},
                  {status_object("status", "NetStream.Play.Start", string_argument(command, 0))}};
    send(make_command(0, reply));
    if (command.transaction_id != 0) send_result(command.transaction_id, amf0::Null{}, amf0::Undefined{});
  } else if (name == "getStreamLength") {
    // FFmpeg asks before play and reads a number: a live stream has no length (0, as FMS).
    if (command.transaction_id != 0) send_result(command.transaction_id, amf0::Null{}, 0.0);
  } else if (command.transaction_id != 0) {  // FCUnsubscribe, play2 (bitrate switching: unsupported)
    send_result(command.transaction_id, amf0::Null{}, amf0::Undefined{});
  }
}

void ServerSession::on_play(const Message& message, const Command& command) {
  const uint32_t stream_id = message.message_stream_id;
  // 7.2.2.1: play is sent on a stream from createStream; one play per connection (a player
  // wanting another stream stops this one first with closeStream or deleteStream).
  if (!connected_ || stream_id == 0 || stream_id >= next_stream_id_) {
    send_status(stream_id, "error", "NetStream.Play.Failed", "play on a stream that was not created");
    return;
  }
  if (playing_stream_ || pending_play_ || publishing_stream_ == stream_id) {
    send_status(stream_id, "error", "NetStream.Play.Failed", "already playing");
    return;
  }
  PlayRequested request;
  request.stream_id = stream_id;
  request.stream_name = strip_query(string_argument(command, 0));
  if (command.arguments.size() > 1) request.start = command.arguments[1].as_number().value_or(-2);
  if (command.arguments.size() > 2) request.duration = command.arguments[2].as_number().value_or(-1);
  pending_play_ = stream_id;
  events_.push_back(std::move(request));
}

void ServerSession::on_pause(const Message& message, const Command& command) {
  const uint32_t stream_id = message.message_stream_id;
  if (playing_stream_ != stream_id) return;
  const bool paused = bool_argument(command, 0, true);
  // As nginx-rtmp: pause ends the stream for now, unpause begins it again (6.2).
  if (paused) {
    send(make_user_control({UserControlEvent::stream_eof, stream_id, 0}));
    send_status(stream_id, "status", "NetStream.Pause.Notify", "Paused live");
  } else {
    send(make_user_control({UserControlEvent::stream_begin, stream_id, 0}));
    send_status(stream_id, "status", "NetStream.Unpause.Notify", "Unpaused live");
  }
  events_.push_back(PauseRequested{stream_id, paused});
}

void ServerSession::accept_play(uint32_t stream_id) {
  if (pending_play_ != stream_id) return;
  pending_play_.reset();
  playing_stream_ = stream_id;
  // The order FMS, nginx-rtmp and SRS use; FFmpeg starts reading media at Play.Start.
  send(make_user_control({UserControlEvent::stream_begin, stream_id, 0}));
  send_status(stream_id, "status", "NetStream.Play.Reset", "Playing and resetting stream");
  send_status(stream_id, "status", "NetStream.Play.Start", "Started playing stream");
  // Lets a Flash player read the media's bytes (BitmapData.draw, SoundMixer); others ignore it.
  const std::array<amf0::Value, 3> access{"|RtmpSampleAccess", true, true};
  write_media(stream_id, MessageType::data_amf0, 0,
              std::make_shared<const std::vector<uint8_t>>(amf0::encode_all(access)));
}

void ServerSession::reject_play(uint32_t stream_id, std::string_view code, std::string_view description) {
  if (pending_play_ == stream_id) pending_play_.reset();
  send_status(stream_id, "error", code, description);
}

void ServerSession::notify_unpublish(uint32_t stream_id) {
  if (playing_stream_ != stream_id) return;
  send(make_user_control({UserControlEvent::stream_eof, stream_id, 0}));
  send_status(stream_id, "status", "NetStream.Play.UnpublishNotify", "Stream is now unpublished");
}

void ServerSession::notify_publish(uint32_t stream_id) {
  if (playing_stream_ != stream_id) return;
  send(make_user_control({UserControlEvent::stream_begin, stream_id, 0}));
  send_status(stream_id, "status", "NetStream.Play.PublishNotify", "Stream is now published");
}

void ServerSession::complete_play(uint32_t stream_id) {
  if (playing_stream_ != stream_id) return;
  playing_stream_.reset();
  send(make_user_control({UserControlEvent::stream_eof, stream_id, 0}));
  send_status(stream_id, "status", "NetStream.Play.Stop", "Stopped playing stream");
}

void ServerSession::end_play(uint32_t stream_id) {
  if (pending_play_ == stream_id) {
    pending_play_.reset();
    events_.push_back(PlayStopped{stream_id});
    return;
  }
  if (playing_stream_ != stream_id) return;
  playing_stream_.reset();
  events_.push_back(PlayStopped{stream_id});
}

}  // namespace liverelay::rtmp
