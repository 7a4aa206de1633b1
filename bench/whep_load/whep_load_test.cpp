// whep_load against liverelay's own protocol code: its offer is one the server answers, it reads
// that answer back, and its connectivity check passes the server's ICE-lite check.
#include <catch2/catch.hpp>

#include "connectivity_check.hpp"
#include "protocol/webrtc/ice_lite.hpp"
#include "protocol/webrtc/whep_answer.hpp"
#include "protocol/webrtc/whep_offer.hpp"
#include "session_description.hpp"

using namespace liverelay::webrtc;
using namespace whep_load;

namespace {

const OfferParams kOffer{"cliU", "clientpasswordclientpass", "AB:CD:EF:01", 42};

WhepAnswerOptions server_options() {
  WhepAnswerOptions options;
  options.ice_ufrag = "srvUfrag";
  options.ice_pwd = "serverpasswordserverpasswordxyzw";
  options.fingerprint_sha256 = "01:23:45:67";
  options.candidates = {{"127.0.0.1", 40000}};
  options.h264_profile_level_id = "640028";
  options.video_ssrc = 1111;
  options.audio_ssrc = 2222;
  options.cname = "0123456789abcdef";
  return options;
}

}  // namespace

TEST_CASE("liverelay answers the load viewer's offer with H.264 102 and Opus 111, and no data channel") {
  auto offer = read_whep_offer(make_offer(kOffer));
  REQUIRE(offer);
  CHECK(offer->ice_ufrag == "cliU");
  CHECK(offer->setup == "actpass");
  auto answer = build_whep_answer(*offer, server_options());
  REQUIRE(answer);
  REQUIRE(answer->video);
  CHECK(answer->video->payload_type == 102);
  CHECK(answer->video->nack);
  CHECK(answer->video->pli);
  REQUIRE(answer->audio);
  CHECK(answer->audio->payload_type == 111);
  CHECK_FALSE(answer->data_channel);
}

TEST_CASE("the load viewer reads credentials, fingerprint, candidate and SSRCs from the answer") {
  auto answer = build_whep_answer(*read_whep_offer(make_offer(kOffer)), server_options());
  REQUIRE(answer);
  auto facts = read_answer(answer->sdp);
  REQUIRE(facts);
  CHECK(facts->ice_ufrag == "srvUfrag");
  CHECK(facts->ice_pwd == "serverpasswordserverpasswordxyzw");
  CHECK(facts->fingerprint_sha256 == "01:23:45:67");
  CHECK(facts->candidate_ip == "127.0.0.1");
  CHECK(facts->candidate_port == 40000);
  CHECK(facts->video_ssrc == 1111u);
  CHECK(facts->audio_ssrc == 2222u);
  CHECK(facts->ice_lite);
  CHECK(facts->setup == "passive");
}

TEST_CASE("an answer without a candidate is refused") {
  CHECK_FALSE(read_answer("v=0\r\na=ice-ufrag:abcd\r\na=ice-pwd:x\r\na=fingerprint:sha-256 AA\r\n"));
}

TEST_CASE("the load viewer's check passes liverelay's ICE-lite check, nominating as the controlling agent") {
  const CheckCredentials credentials{"srvUfrag", "serverpasswordserverpasswordxyzw", "cliU", 7};
  TransactionId id{};
  auto check = connectivity_check(credentials, id);
  REQUIRE(check);
  auto message = parse_stun_message(*check);
  REQUIRE(message);
  const IceSessionCredentials server{"srvUfrag", "serverpasswordserverpasswordxyzw", "cliU"};
  auto reply = answer_binding_request(*message, server, TransportAddress::v4({127, 0, 0, 1}, 5000));
  REQUIRE(reply);
  REQUIRE(reply->checked);
  CHECK(reply->checked->use_candidate);
  CHECK(reply->checked->controlling);
  CHECK(reply->checked->priority == kCheckPriority);
  CHECK(read_check_answer(reply->response, id, "serverpasswordserverpasswordxyzw") == CheckAnswer::success);
  // A response keyed with another password is not the server's.
  CHECK(read_check_answer(reply->response, id, "anotherpasswordanotherpassword") == CheckAnswer::error);
  TransactionId other = id;
  other[0] ^= 1;
  CHECK(read_check_answer(reply->response, other, "serverpasswordserverpasswordxyzw") ==
        CheckAnswer::not_ours);
}

TEST_CASE("a check keyed with the wrong password is refused by the server") {
  const CheckCredentials credentials{"srvUfrag", "wrongpasswordwrongpasswordwrong", "cliU", 7};
  TransactionId id{};
  auto check = connectivity_check(credentials, id);
  REQUIRE(check);
  const IceSessionCredentials server{"srvUfrag", "serverpasswordserverpasswordxyzw", "cliU"};
  auto reply =
      answer_binding_request(*parse_stun_message(*check), server, TransportAddress::v4({127, 0, 0, 1}, 5000));
  REQUIRE(reply);
  CHECK_FALSE(reply->checked);
  CHECK(read_check_answer(reply->response, id, "wrongpasswordwrongpasswordwrong") == CheckAnswer::error);
}
