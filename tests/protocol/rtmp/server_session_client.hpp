// A scripted RTMP client for ServerSession tests, built from our own client-side primitives.
#pragma once

#include <catch2/catch.hpp>
#include <span>
#include <string>
#include <vector>

#include "protocol/rtmp/chunk_reader.hpp"
#include "protocol/rtmp/chunk_writer.hpp"
#include "protocol/rtmp/command.hpp"
#include "protocol/rtmp/control.hpp"
#include "protocol/rtmp/handshake.hpp"
#include "protocol/rtmp/server_session.hpp"

namespace liverelay::rtmp::testing {

// A client speaking to a ServerSession in memory: writes commands, reads what the server sent.
class ScriptedClient {
 public:
  explicit ScriptedClient(bool byte_by_byte = false) : byte_by_byte_(byte_by_byte) {}

  void handshake(ServerSession& server) {
    ClientHandshake client(7, /*digest=*/true);
    deliver(server, client.take_output());
    auto reply = server.take_output();
    auto used = client.feed(reply);
    REQUIRE(used);
    REQUIRE(client.done());
    deliver(server, client.take_output());
    REQUIRE(server.handshake_done());
  }

  void send(ServerSession& server, const Message& message) {
    std::vector<uint8_t> bytes;
    writer_.write(message, bytes);
    deliver(server, bytes);
  }

  void command(ServerSession& server, uint32_t stream_id, Command command) {
    send(server, make_command(stream_id, command));
  }

  // Every message the server has sent since the last call.
  std::vector<Message> received(ServerSession& server) {
    auto bytes = server.take_output();
    REQUIRE(reader_.feed(bytes));
    std::vector<Message> out;
    while (auto m = reader_.next()) out.push_back(std::move(*m));
    return out;
  }

  std::vector<Command> received_commands(ServerSession& server) {
    std::vector<Command> out;
    for (const auto& m : received(server)) {
      if (m.type() == MessageType::command_amf0) out.push_back(parse_command(m).value());
    }
    return out;
  }

 private:
  void deliver(ServerSession& server, std::span<const uint8_t> bytes) {
    if (!byte_by_byte_) {
      REQUIRE(server.feed(bytes));
      return;
    }
    for (uint8_t b : bytes) REQUIRE(server.feed(std::span<const uint8_t>(&b, 1)));
  }

  bool byte_by_byte_;
  ChunkWriter writer_;
  ChunkReader reader_;
};

inline Command connect_command(const char* app = "live") {
  return Command{"connect",
                 1,
                 amf0::Object{{"app", app},
                              {"type", "nonprivate"},
                              {"flashVer", "FMLE/3.0 (compatible; Lavf59.27.100)"},
                              {"tcUrl", "rtmp://127.0.0.1:1935/live"}},
                 {}};
}

inline std::string status_code(const Command& command) {
  const auto* code = command.arguments.at(0).get("code");
  return code && code->as_string() ? *code->as_string() : "";
}

}  // namespace liverelay::rtmp::testing
