// Unit tests for ICE credential generation and syntax (RFC 8839 5.4).
#include "protocol/webrtc/ice_credentials.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace liverelay::webrtc;

TEST_CASE("ice credentials are long enough, ice-chars only, and differ every time") {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto credentials = generate_ice_credentials();
    REQUIRE(credentials);
    CHECK(credentials->ufrag.size() == kIceUfragChars);
    CHECK(credentials->pwd.size() == kIcePwdChars);
    CHECK(valid_ice_ufrag(credentials->ufrag));
    CHECK(valid_ice_pwd(credentials->pwd));
    CHECK(seen.insert(credentials->pwd).second);
  }
}

TEST_CASE("ice credentials use the whole ice-char alphabet") {
  std::set<char> used;
  for (int i = 0; i < 40; ++i) {
    const auto credentials = generate_ice_credentials();
    REQUIRE(credentials);
    used.insert(credentials->pwd.begin(), credentials->pwd.end());
  }
  CHECK(used.size() > 60);  // 1280 draws from 64 characters miss one with probability ~1e-7
}

TEST_CASE("ice credential syntax follows RFC 8839 5.4 lengths and characters") {
  CHECK(valid_ice_ufrag("vGnO"));
  CHECK(valid_ice_ufrag("wUi02Ul1uLGsSW6M+3dVCB+JDA3QQ6uN"));
  CHECK_FALSE(valid_ice_ufrag("abc"));
  CHECK_FALSE(valid_ice_ufrag("ab-cd"));
  CHECK_FALSE(valid_ice_ufrag(std::string(257, 'a')));
  CHECK(valid_ice_pwd("JBFycUZoMvKvIXocX2+CTUSk"));
  CHECK_FALSE(valid_ice_pwd("JBFycUZoMvKvIXocX2+CT"));  // 21 characters
  CHECK_FALSE(valid_ice_pwd("JBFycUZoMvKvIXocX2+CTUS k"));
}
