// RTMP command and data messages (RTMP spec 7.1.1, 7.1.2, 7.2) to and from AMF0 values.
#include "protocol/rtmp/command.hpp"

#include <utility>

#include "protocol/core/byte_reader.hpp"

namespace liverelay::rtmp {
namespace {

// Names are sender-chosen: keep error messages short whatever arrives.
constexpr size_t kMaxNameInError = 64;

std::string quoted_name(std::string_view name) {
  const bool cut = name.size() > kMaxNameInError;
  std::string out;
  out.reserve(kMaxNameInError + 5);
  out.append(1, '\'').append(name.substr(0, kMaxNameInError)).append(cut ? "...'" : "'");
  return out;
}

// The AMF values of a message body. Types 15 and 17 (AMF3 data and command) start with a
// format byte; Flash and the encoders that copy it write 0x00 and then plain AMF0 values, which
// may switch to AMF3 value by value (0x11). Like nginx-rtmp and SRS we skip the byte whatever it
// is: a sender that really wrote AMF3 there fails in the AMF0 decoder instead.
Result<std::vector<amf0::Value>> decode_body(const Message& message, bool has_format_byte,
                                             std::string_view what) {
  ByteReader reader(message.payload);
  if (has_format_byte && !reader.skip(1)) {
    return fail(Errc::truncated, std::string(what) + ": no format byte");
  }
  auto values = amf0::decode_all(reader);
  if (!values) return tl::unexpected(std::move(values).error().context(what));
  return values;
}

Message make_message(MessageType type, uint32_t chunk_stream_id, uint32_t message_stream_id,
                     std::vector<uint8_t> payload) {
  Message message;
  message.chunk_stream_id = chunk_stream_id;
  message.type_id = static_cast<uint8_t>(type);
  message.message_stream_id = message_stream_id;
  message.timestamp = 0;
  message.payload = std::move(payload);
  return message;
}

}  // namespace

Result<Command> parse_command(const Message& message) {
  const bool amf3 = message.type() == MessageType::command_amf3;
  if (!amf3 && message.type() != MessageType::command_amf0) {
    return fail(Errc::unsupported,
                "message type " + std::to_string(message.type_id) + " is not a command");
  }
  auto values = decode_body(message, amf3, amf3 ? "AMF3 command" : "AMF0 command");
  if (!values) return tl::unexpected(std::move(values).error());
  if (values->empty()) return fail(Errc::malformed, "command without a name");

  Command command;
  const std::string* name = values->front().as_string();
  if (name == nullptr) return fail(Errc::malformed, "command name is not a string");
  command.name = *name;
  // RTMP spec 7.2: every command carries a transaction id, but a few encoders send only a name
  // for notifications; 0 is what the spec uses for "no reply expected".
  if (values->size() > 1) {
    const auto transaction_id = (*values)[1].as_number();
    if (!transaction_id) {
      return fail(Errc::malformed,
                  "command " + quoted_name(command.name) + ": transaction id is not a number");
    }
    command.transaction_id = *transaction_id;
  }
  if (values->size() > 2) command.command_object = std::move((*values)[2]);
  if (values->size() > 3) {
    command.arguments.assign(std::make_move_iterator(values->begin() + 3),
                             std::make_move_iterator(values->end()));
  }
  return command;
}

Message make_command(uint32_t message_stream_id, const Command& command) {
  std::vector<uint8_t> payload;
  amf0::encode(amf0::Value(command.name), payload);
  amf0::encode(amf0::Value(command.transaction_id), payload);
  amf0::encode(command.command_object, payload);
  for (const amf0::Value& argument : command.arguments) amf0::encode(argument, payload);
  return make_message(MessageType::command_amf0, kCommandChunkStream, message_stream_id,
                      std::move(payload));
}

Message make_data(uint32_t message_stream_id, std::span<const amf0::Value> values) {
  return make_message(MessageType::data_amf0, kDataChunkStream, message_stream_id,
                      amf0::encode_all(values));
}

Result<std::vector<amf0::Value>> parse_data(const Message& message) {
  const bool amf3 = message.type() == MessageType::data_amf3;
  if (!amf3 && message.type() != MessageType::data_amf0) {
    return fail(Errc::unsupported,
                "message type " + std::to_string(message.type_id) + " is not a data message");
  }
  return decode_body(message, amf3, amf3 ? "AMF3 data" : "AMF0 data");
}

const amf0::Value* metadata_in(const std::vector<amf0::Value>& values) {
  auto name_at = [&](size_t i) -> std::string_view {
    return i < values.size() && values[i].as_string() ? std::string_view(*values[i].as_string()) : "";
  };
  size_t first = name_at(0) == "@setDataFrame" ? 1 : 0;
  if (name_at(first) != "onMetaData" || first + 1 >= values.size()) return nullptr;
  return &values[first + 1];
}

}  // namespace liverelay::rtmp
