// Helpers shared by the ServerSession command files: argument access and status objects.
#pragma once

#include <string>
#include <string_view>

#include "protocol/rtmp/amf0.hpp"
#include "protocol/rtmp/command.hpp"

namespace liverelay::rtmp::detail {

// "live?token=x" -> "live"; "live/" -> "live".
inline std::string strip_query(std::string_view name) {
  auto end = name.find('?');
  std::string out(name.substr(0, end));
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

inline std::string string_argument(const Command& command, size_t index) {
  if (command.arguments.size() <= index) return {};
  const std::string* s = command.arguments[index].as_string();
  return s ? *s : std::string();
}

// The NetStatus info object of onStatus, onFCPublish, _error (7.2.2).
inline amf0::Value status_object(std::string_view level, std::string_view code,
                                 std::string_view description) {
  return amf0::Object{
      {"level", std::string(level)}, {"code", std::string(code)}, {"description", std::string(description)}};
}

// play, pause, receiveAudio, FCSubscribe, ...: handled in server_session_play.cpp.
bool is_play_command(std::string_view name);

}  // namespace liverelay::rtmp::detail
