// ICE username fragment and password generation on RAND_bytes, and their syntax checks.
#include "protocol/webrtc/ice_credentials.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <vector>

namespace liverelay::webrtc {
namespace {

// 64 characters, so one random byte's low 6 bits pick one with no bias.
constexpr std::string_view kIceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static_assert(kIceChars.size() == 64);

constexpr size_t kMaxIceCredentialChars = 256;  // RFC 8839 5.4

Result<std::string> random_ice_chars(size_t count) {
  std::vector<unsigned char> random(count);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    return fail(Errc::io, "ice credentials: RAND_bytes failed");
  std::string out;
  out.reserve(count);
  for (const unsigned char byte : random) out += kIceChars[byte & 0x3F];
  return out;
}

}  // namespace

Result<IceCredentials> generate_ice_credentials() {
  auto ufrag = random_ice_chars(kIceUfragChars);
  if (!ufrag) return tl::unexpected(std::move(ufrag.error()));
  auto pwd = random_ice_chars(kIcePwdChars);
  if (!pwd) return tl::unexpected(std::move(pwd.error()));
  return IceCredentials{std::move(*ufrag), std::move(*pwd)};
}

bool is_ice_chars(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return kIceChars.find(c) != std::string_view::npos; });
}

bool valid_ice_ufrag(std::string_view ufrag) {
  return ufrag.size() >= 4 && ufrag.size() <= kMaxIceCredentialChars && is_ice_chars(ufrag);
}

bool valid_ice_pwd(std::string_view pwd) {
  return pwd.size() >= 22 && pwd.size() <= kMaxIceCredentialChars && is_ice_chars(pwd);
}

}  // namespace liverelay::webrtc
