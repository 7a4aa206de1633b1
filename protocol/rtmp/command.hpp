// RTMP command messages (RTMP spec 7.1.1 / 7.2): name, transaction id, command object, arguments.
#pragma once

#include <string>
#include <vector>

#include "protocol/core/error.hpp"
#include "protocol/rtmp/amf0.hpp"
#include "protocol/rtmp/message.hpp"

namespace liverelay::rtmp {

struct Command {
  std::string name;
  double transaction_id = 0;
  amf0::Value command_object;        // Null when absent
  std::vector<amf0::Value> arguments;  // what follows the command object
};

// Parses an AMF0 command (type 20) or an AMF3 command (type 17: a leading format byte, then
// AMF0 values, as Flash and some encoders send).
Result<Command> parse_command(const Message& message);

// A command message on the command chunk stream.
Message make_command(uint32_t message_stream_id, const Command& command);

// A data message (type 18), e.g. onMetaData or |RtmpSampleAccess.
Message make_data(uint32_t message_stream_id, std::span<const amf0::Value> values);

// Parses a data message (type 18, or 15 with its leading format byte) into its values.
Result<std::vector<amf0::Value>> parse_data(const Message& message);

// The metadata object of a data message's values: "@setDataFrame", "onMetaData", {...} as
// encoders send it, or a bare "onMetaData", {...} as some servers and old encoders do.
const amf0::Value* metadata_in(const std::vector<amf0::Value>& values);

}  // namespace liverelay::rtmp
