// The server's half of the WebSocket opening handshake (RFC 6455 4.2): key check and the 101 answer.
#pragma once

#include <string>
#include <string_view>

#include "protocol/core/error.hpp"

namespace liverelay::websocket {

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 4.2.2):
// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")). Empty if libcrypto fails.
std::string accept_key(std::string_view client_key);

// Values of Sec-WebSocket-Version and Sec-WebSocket-Key (surrounding spaces and tabs are ignored).
struct UpgradeHeaders {
  std::string_view version;
  std::string_view key;
};

// Checks version == "13" and that the key is base64 of exactly 16 bytes; returns the full
// "HTTP/1.1 101 Switching Protocols\r\n...Sec-WebSocket-Accept: ...\r\n\r\n" or an error naming
// what is wrong: Errc::malformed for a missing version or a missing or bad key (answer 400),
// Errc::unsupported for another version (RFC 6455 4.4: answer 426 with "Sec-WebSocket-Version: 13").
Result<std::string> handshake_response(const UpgradeHeaders& headers);

}  // namespace liverelay::websocket
