// SrtpSession against independent libsrtp2 sessions playing the browser, both profiles.
#include "server/webrtc/srtp_session.hpp"

#include <srtp2/srtp.h>

#include <catch2/catch.hpp>

using namespace liverelay;
using namespace liverelay::webrtc;

namespace {

std::vector<uint8_t> filled(size_t length, uint8_t seed) {
  std::vector<uint8_t> bytes(length);
  for (size_t i = 0; i < length; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 13);
  return bytes;
}

SrtpMasterKey master_key(SrtpProfile profile, uint8_t seed) {
  return {filled(srtp_key_length(profile), seed), filled(srtp_salt_length(profile), seed + 100)};
}

// RTP: V=2, PT 96 (H.264 in our answers), the given sequence number, SSRC 0x11223344.
std::vector<uint8_t> rtp_packet(uint16_t sequence, size_t payload) {
  std::vector<uint8_t> packet = {0x80,
                                 96,
                                 static_cast<uint8_t>(sequence >> 8),
                                 static_cast<uint8_t>(sequence),
                                 0,
                                 0,
                                 0x10,
                                 0,
                                 0x11,
                                 0x22,
                                 0x33,
                                 0x44};
  const auto body = filled(payload, static_cast<uint8_t>(sequence));
  packet.insert(packet.end(), body.begin(), body.end());
  return packet;
}

// RTCP sender report (PT 200) with no report blocks: 28 bytes, length field 6.
std::vector<uint8_t> rtcp_sender_report(uint8_t seed) {
  std::vector<uint8_t> packet = {0x80, 200, 0, 6, 0x11, 0x22, 0x33, 0x44};
  const auto body = filled(20, seed);
  packet.insert(packet.end(), body.begin(), body.end());
  return packet;
}

// A plain libsrtp2 session, the browser's side.
struct PeerSession {
  srtp_t session = nullptr;

  PeerSession(SrtpProfile profile, const SrtpMasterKey& key, bool inbound) {
    REQUIRE(init_srtp_library());
    std::vector<uint8_t> key_and_salt(key.key);
    key_and_salt.insert(key_and_salt.end(), key.salt.begin(), key.salt.end());
    srtp_policy_t policy{};
    if (profile == SrtpProfile::aead_aes_128_gcm) {
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    }
    policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.key = key_and_salt.data();
    policy.window_size = 128;
    REQUIRE(srtp_create(&session, &policy) == srtp_err_status_ok);
  }
  ~PeerSession() { srtp_dealloc(session); }

  srtp_err_status_t unprotect(std::vector<uint8_t>& packet, bool rtcp) {
    int length = static_cast<int>(packet.size());
    const auto status = rtcp ? srtp_unprotect_rtcp(session, packet.data(), &length)
                             : srtp_unprotect(session, packet.data(), &length);
    packet.resize(static_cast<size_t>(length));
    return status;
  }
  std::vector<uint8_t> protect_rtcp(const std::vector<uint8_t>& rtcp) {
    std::vector<uint8_t> packet(rtcp);
    packet.resize(rtcp.size() + SRTP_MAX_TRAILER_LEN + 4);
    int length = static_cast<int>(rtcp.size());
    REQUIRE(srtp_protect_rtcp(session, packet.data(), &length) == srtp_err_status_ok);
    packet.resize(static_cast<size_t>(length));
    return packet;
  }
};

const SrtpProfile kProfiles[] = {SrtpProfile::aead_aes_128_gcm, SrtpProfile::aes128_cm_sha1_80};

}  // namespace

TEST_CASE("keying material splits as client key, server key, client salt, server salt") {
  std::vector<uint8_t> block(60);
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<uint8_t>(i);
  const auto material = split_keying_material(SrtpProfile::aes128_cm_sha1_80, block);
  REQUIRE(material);
  CHECK(material->client.key == std::vector<uint8_t>(block.begin(), block.begin() + 16));
  CHECK(material->server.key == std::vector<uint8_t>(block.begin() + 16, block.begin() + 32));
  CHECK(material->client.salt == std::vector<uint8_t>(block.begin() + 32, block.begin() + 46));
  CHECK(material->server.salt == std::vector<uint8_t>(block.begin() + 46, block.end()));

  const auto gcm = split_keying_material(SrtpProfile::aead_aes_128_gcm, std::span(block).first(56));
  REQUIRE(gcm);
  CHECK(gcm->server.salt == std::vector<uint8_t>(block.begin() + 44, block.begin() + 56));
  const auto wrong = split_keying_material(SrtpProfile::aead_aes_128_gcm, block);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == Errc::malformed);
}

TEST_CASE("SRTP outbound session protects RTP that a libsrtp2 receiver restores byte for byte") {
  for (const SrtpProfile profile : kProfiles) {
    INFO(to_string(profile));
    const SrtpMasterKey key = master_key(profile, 1);
    auto sender = SrtpSession::outbound(profile, key);
    REQUIRE(sender);
    PeerSession receiver(profile, key, true);

    for (uint16_t sequence = 1000; sequence < 1003; ++sequence) {
      const auto rtp = rtp_packet(sequence, 1100);
      auto protected_packet = sender->protect_rtp(rtp);
      REQUIRE(protected_packet);
      // GCM adds its 16-byte tag, AES-CM the 10-byte HMAC-SHA1-80 tag; the header stays clear.
      CHECK(protected_packet->size() == rtp.size() + (profile == SrtpProfile::aead_aes_128_gcm ? 16 : 10));
      CHECK(std::equal(rtp.begin(), rtp.begin() + 12, protected_packet->begin()));
      CHECK(std::vector<uint8_t>(protected_packet->begin() + 12, protected_packet->begin() + 1112) !=
            std::vector<uint8_t>(rtp.begin() + 12, rtp.end()));
      REQUIRE(receiver.unprotect(*protected_packet, false) == srtp_err_status_ok);
      CHECK(*protected_packet == rtp);
    }
  }
}

TEST_CASE("SRTP outbound session protects RTCP that a libsrtp2 receiver restores byte for byte") {
  for (const SrtpProfile profile : kProfiles) {
    INFO(to_string(profile));
    const SrtpMasterKey key = master_key(profile, 2);
    auto sender = SrtpSession::outbound(profile, key);
    REQUIRE(sender);
    PeerSession receiver(profile, key, true);

    const auto report = rtcp_sender_report(5);
    auto protected_packet = sender->protect_rtcp(report);
    REQUIRE(protected_packet);
    CHECK(protected_packet->size() > report.size() + 4);
    REQUIRE(receiver.unprotect(*protected_packet, true) == srtp_err_status_ok);
    CHECK(*protected_packet == report);
  }
}

TEST_CASE("SRTP packets protected with another key or tampered with are refused") {
  for (const SrtpProfile profile : kProfiles) {
    INFO(to_string(profile));
    auto sender = SrtpSession::outbound(profile, master_key(profile, 3));
    REQUIRE(sender);
    PeerSession receiver(profile, master_key(profile, 3), true);
    PeerSession stranger(profile, master_key(profile, 4), true);

    auto tampered = *sender->protect_rtp(rtp_packet(7, 200));
    tampered[40] ^= 0x01;
    CHECK(receiver.unprotect(tampered, false) == srtp_err_status_auth_fail);
    auto foreign = *sender->protect_rtp(rtp_packet(8, 200));
    CHECK(stranger.unprotect(foreign, false) == srtp_err_status_auth_fail);
  }
}

TEST_CASE("SRTP inbound session restores RTCP from the browser and refuses tampered or replayed packets") {
  for (const SrtpProfile profile : kProfiles) {
    INFO(to_string(profile));
    const SrtpMasterKey client_key = master_key(profile, 9);
    PeerSession browser(profile, client_key, false);
    auto receiver = SrtpSession::inbound(profile, client_key);
    REQUIRE(receiver);

    const auto report = rtcp_sender_report(1);
    const auto first = browser.protect_rtcp(report);
    const auto restored = receiver->unprotect_rtcp(first);
    REQUIRE(restored);
    CHECK(*restored == report);

    const auto replayed = receiver->unprotect_rtcp(first);
    REQUIRE_FALSE(replayed);
    CHECK(replayed.error().code == Errc::refused);
    CHECK_THAT(replayed.error().message, Catch::Contains("replayed packet"));

    auto tampered = browser.protect_rtcp(rtcp_sender_report(2));
    tampered[10] ^= 0x80;
    const auto refused = receiver->unprotect_rtcp(tampered);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::refused);
    CHECK_THAT(refused.error().message, Catch::Contains("authentication failed"));

    // The session keeps working after refusing those.
    const auto next = receiver->unprotect_rtcp(browser.protect_rtcp(rtcp_sender_report(3)));
    REQUIRE(next);
    CHECK(*next == rtcp_sender_report(3));
  }
}

TEST_CASE("SRTP session refuses keys of the wrong size, short packets and the wrong direction") {
  const auto short_key =
      SrtpSession::outbound(SrtpProfile::aead_aes_128_gcm, master_key(SrtpProfile::aes128_cm_sha1_80, 1));
  REQUIRE_FALSE(short_key);
  CHECK(short_key.error().code == Errc::malformed);

  auto sender =
      SrtpSession::outbound(SrtpProfile::aes128_cm_sha1_80, master_key(SrtpProfile::aes128_cm_sha1_80, 1));
  REQUIRE(sender);
  const auto tiny = sender->protect_rtp(std::vector<uint8_t>{0x80, 96, 0});
  REQUIRE_FALSE(tiny);
  CHECK(tiny.error().code == Errc::malformed);
  CHECK_FALSE(sender->unprotect_rtcp(rtcp_sender_report(1)));

  auto receiver =
      SrtpSession::inbound(SrtpProfile::aes128_cm_sha1_80, master_key(SrtpProfile::aes128_cm_sha1_80, 1));
  REQUIRE(receiver);
  CHECK_FALSE(receiver->protect_rtp(rtp_packet(1, 10)));
  const auto garbage = receiver->unprotect_rtcp(std::vector<uint8_t>{1, 2, 3});
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().code == Errc::malformed);
}
