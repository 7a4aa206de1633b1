// Opening handshake: Sec-WebSocket-Key validation and Sec-WebSocket-Accept on libcrypto's SHA-1.
#include "protocol/websocket/handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

namespace liverelay::websocket {
namespace {

constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 1.3
constexpr std::string_view kVersion = "13";                                       // RFC 6455 4.1
// base64 of 16 bytes: 22 characters of the alphabet, then "==" (RFC 4648 4).
constexpr size_t kKeyChars = 22;

std::string_view trim_whitespace(std::string_view value) {
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return value.substr(first, value.find_last_not_of(" \t") - first + 1);
}

bool base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// Like the ws library for Node, the unused low bits of the last character are not checked:
// any such key decodes to 16 bytes, and the accept key is computed over the text as sent.
bool valid_key(std::string_view key) {
  return key.size() == kKeyChars + 2 && key.substr(kKeyChars) == "==" &&
         std::all_of(key.begin(), key.begin() + kKeyChars, base64_char);
}

}  // namespace

std::string accept_key(std::string_view client_key) {
  std::string input;
  input.reserve(client_key.size() + kAcceptGuid.size());
  input.append(client_key).append(kAcceptGuid);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &digest_size, EVP_sha1(), nullptr) != 1)
    return {};
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> encoded{};  // + 1 for the NUL
  const int encoded_size = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest_size));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<size_t>(encoded_size));
}

Result<std::string> handshake_response(const UpgradeHeaders& headers) {
  const std::string_view version = trim_whitespace(headers.version);
  const std::string_view key = trim_whitespace(headers.key);
  if (version.empty()) return fail(Errc::malformed, "websocket handshake: no Sec-WebSocket-Version");
  if (version != kVersion)
    return fail(Errc::unsupported, "websocket handshake: Sec-WebSocket-Version is not 13");
  if (key.empty()) return fail(Errc::malformed, "websocket handshake: no Sec-WebSocket-Key");
  if (!valid_key(key))
    return fail(Errc::malformed, "websocket handshake: Sec-WebSocket-Key is not base64 of 16 bytes");
  const std::string accept = accept_key(key);
  if (accept.empty()) return fail(Errc::io, "websocket handshake: SHA-1 from libcrypto failed");
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
         "Upgrade\r\nSec-WebSocket-Accept: " +
         accept + "\r\n\r\n";
}

}  // namespace liverelay::websocket
