// Tests for SctpAssociation: a server association and a client one wired back to back in one
// process, their packets carried by the test on a virtual clock (no sleeps, no sockets).
#include "server/webrtc/sctp_association.hpp"

#include <usrsctp.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "server/webrtc/usrsctp_library.hpp"

using namespace liverelay;
using namespace liverelay::webrtc;

namespace {

constexpr uint16_t kRoomStream = 1;  // a browser that is the DTLS server opens odd stream ids

DataChannelOpen room_channel() {
  DataChannelOpen open;
  open.label = "room";
  return open;
}

struct Peer {
  std::unique_ptr<SctpAssociation> association;
  std::deque<std::vector<uint8_t>> sent;  // packets not yet carried to the other side
  std::vector<SctpEvent> events;
  size_t largest_packet = 0;

  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& event : events)
      if (const auto* e = std::get_if<T>(&event)) out.push_back(*e);
    return out;
  }
  template <class T>
  bool has() const {
    return !all<T>().empty();
  }
};

// Two associations back to back. Packets move only inside run_until(); time moves 10 ms at a
// time, and only when no packet is in flight, as a loop timer would move it.
class Link {
 public:
  explicit Link(UsrsctpLibrary& library, SctpAssociationConfig server = {}, SctpAssociationConfig client = {})
      : library_(library) {
    server.name = "server";
    client.name = "client";
    client.role = SctpRole::client;
    server_.association = create(server, server_);
    client_.association = create(client, client_);
  }

  Peer& server() { return server_; }
  Peer& client() { return client_; }

  // Drops the packet when it returns true; sees every packet the client sends.
  std::function<bool(std::span<const uint8_t>)> drop_from_client;

  bool run_until(const std::function<bool()>& done, uint64_t max_virtual_ms = 10'000) {
    const uint64_t deadline = now_ms_ + max_virtual_ms;
    library_.tick(now_ms_);
    while (!done()) {
      if (!carry(client_, server_, drop_from_client) && !carry(server_, client_, nullptr)) {
        if (now_ms_ >= deadline) return false;
        now_ms_ += UsrsctpLibrary::kTimerIntervalMs;
        library_.tick(now_ms_);
      }
    }
    return true;
  }

  bool open_room() {
    if (!run_until([&] { return client_.association->established(); })) return false;
    REQUIRE(client_.association->open_channel(kRoomStream, room_channel()));
    return run_until([&] { return server_.has<ChannelOpened>() && client_.has<ChannelOpened>(); });
  }

 private:
  std::unique_ptr<SctpAssociation> create(const SctpAssociationConfig& config, Peer& peer) {
    auto association = SctpAssociation::create(
        library_, config,
        [&peer](std::span<const uint8_t> packet) {
          peer.sent.emplace_back(packet.begin(), packet.end());
          peer.largest_packet = std::max(peer.largest_packet, packet.size());
        },
        [&peer](SctpEvent&& event) { peer.events.push_back(std::move(event)); });
    REQUIRE(association);
    return std::move(*association);
  }

  // Carries one packet from `from` to `to`; false when there was none.
  static bool carry(Peer& from, Peer& to, const std::function<bool(std::span<const uint8_t>)>& drop) {
    if (from.sent.empty()) return false;
    auto packet = std::move(from.sent.front());
    from.sent.pop_front();
    if (!(drop && drop(packet)) && to.association) to.association->receive(packet);
    return true;
  }

  UsrsctpLibrary& library_;
  Peer server_;
  Peer client_;
  uint64_t now_ms_ = 1'000'000;
};

std::string pattern(size_t size, char seed) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>(seed + static_cast<char>(i % 251));
  return out;
}

std::string text_of(const MessageReceived& message) {
  return {message.bytes.begin(), message.bytes.end()};
}

// Ends the test as the server ends a session: associations first, then usrsctp itself, which
// refuses to finish while any endpoint it allocated is still alive.
void finish(Link& link, UsrsctpLibrary& library) {
  link.server().association.reset();
  link.client().association.reset();
  CHECK(library.associations() == 0);
  const auto shutdown = library.shutdown();
  INFO((shutdown ? std::string("ok") : shutdown.error().message));
  CHECK(shutdown);
}

}  // namespace

TEST_CASE("sctp association answers the client's DCEP open of the room channel with an ACK") {
  UsrsctpLibrary library;
  Link link(library);
  REQUIRE(link.run_until([&] { return link.client().association->established(); }));
  CHECK(link.server().has<SctpEstablished>());
  CHECK(link.server().association->established());

  REQUIRE(link.client().association->open_channel(kRoomStream, room_channel()));
  REQUIRE(link.run_until([&] { return link.client().has<ChannelOpened>(); }));
  // The server reported the channel, and the client's ChannelOpened means the ACK came back.
  const auto opened = link.server().all<ChannelOpened>();
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].stream_id == kRoomStream);
  CHECK(opened[0].label == "room");
  CHECK(opened[0].protocol.empty());
  CHECK(opened[0].channel_type == DcepChannelType::reliable);
  CHECK(link.client().all<ChannelOpened>()[0].stream_id == kRoomStream);
  finish(link, library);
}

TEST_CASE("sctp association carries strings both ways byte for byte, a 64 KiB one included") {
  UsrsctpLibrary library;
  Link link(library);
  REQUIRE(link.open_room());
  auto& server = *link.server().association;
  auto& client = *link.client().association;

  const std::string hello = R"({"type":"comment","text":"héllo 👋"})";
  const std::string big = pattern(64 * 1024, 'a');
  REQUIRE(client.send_text(kRoomStream, hello));
  REQUIRE(client.send_text(kRoomStream, big));
  REQUIRE(client.send_text(kRoomStream, ""));
  REQUIRE(server.send_text(kRoomStream, big));
  REQUIRE(server.send_text(kRoomStream, hello));
  REQUIRE(link.run_until([&] {
    return link.server().all<MessageReceived>().size() == 3 &&
           link.client().all<MessageReceived>().size() == 2;
  }));

  const auto at_server = link.server().all<MessageReceived>();
  CHECK(text_of(at_server[0]) == hello);
  CHECK(text_of(at_server[1]) == big);
  CHECK(text_of(at_server[2]).empty());
  for (const auto& message : at_server) {
    CHECK(message.stream_id == kRoomStream);
    CHECK_FALSE(message.binary);
  }
  const auto at_client = link.client().all<MessageReceived>();
  CHECK(text_of(at_client[0]) == big);
  CHECK(text_of(at_client[1]) == hello);
  // Full-size packets, yet none over kSctpMaxPacketSize: with DTLS, UDP and IPv6 around it, each
  // fits the 1280-byte minimum IPv6 MTU.
  CHECK(link.server().largest_packet > 1100);
  CHECK(link.server().largest_packet <= kSctpMaxPacketSize);
  CHECK(link.client().largest_packet > 1100);
  CHECK(link.client().largest_packet <= kSctpMaxPacketSize);
  CHECK(server.buffered_amount() == 0);  // all acknowledged
  finish(link, library);
}

TEST_CASE("sctp associations of two sessions share port 5000 without crossing") {
  UsrsctpLibrary library;
  Link alice(library);
  Link bob(library);
  REQUIRE(alice.open_room());
  REQUIRE(bob.open_room());
  CHECK(library.associations() == 4);
  REQUIRE(alice.client().association->send_text(kRoomStream, "from alice"));
  REQUIRE(bob.client().association->send_text(kRoomStream, "from bob"));
  REQUIRE(alice.run_until([&] { return alice.server().has<MessageReceived>(); }));
  REQUIRE(bob.run_until([&] { return bob.server().has<MessageReceived>(); }));
  CHECK(alice.server().all<MessageReceived>().size() == 1);
  CHECK(text_of(alice.server().all<MessageReceived>()[0]) == "from alice");
  CHECK(bob.server().all<MessageReceived>().size() == 1);
  CHECK(text_of(bob.server().all<MessageReceived>()[0]) == "from bob");
  bob.server().association.reset();
  bob.client().association.reset();
  finish(alice, library);
}

TEST_CASE("sctp association tells binary messages from strings") {
  UsrsctpLibrary library;
  Link link(library);
  REQUIRE(link.open_room());
  const std::vector<uint8_t> bytes = {0x00, 0xFF, 0x10, 0x00};
  REQUIRE(link.client().association->send_binary(kRoomStream, bytes));
  REQUIRE(link.client().association->send_binary(kRoomStream, {}));
  REQUIRE(link.run_until([&] { return link.server().all<MessageReceived>().size() == 2; }));
  const auto received = link.server().all<MessageReceived>();
  CHECK(received[0].binary);
  CHECK(received[0].bytes == bytes);
  CHECK(received[1].binary);
  CHECK(received[1].bytes.empty());
  finish(link, library);
}

TEST_CASE("sctp association sends a 256 KiB message and refuses one byte more") {
  UsrsctpLibrary library;
  Link link(library);
  REQUIRE(link.open_room());
  const std::string largest = pattern(kSctpMaxMessageSize, 'k');
  const auto refused = link.server().association->send_text(kRoomStream, largest + "x");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::over_limit);
  CHECK(refused.error().message ==
        "sctp server: stream 1: message of 262145 bytes over the 262144-byte limit");

  REQUIRE(link.server().association->send_text(kRoomStream, largest));
  REQUIRE(link.run_until([&] { return link.client().has<MessageReceived>(); }));
  CHECK(text_of(link.client().all<MessageReceived>()[0]) == largest);
  finish(link, library);
}

TEST_CASE("sctp association aborts when the peer sends a message over the limit") {
  UsrsctpLibrary library;
  SctpAssociationConfig lenient;
  lenient.remote_max_message_size = 1024 * 1024;
  lenient.max_message_size = 1024 * 1024;
  lenient.send_buffer_size = 2 * 1024 * 1024;
  Link link(library, {}, lenient);
  REQUIRE(link.open_room());
  REQUIRE(link.client().association->send_text(kRoomStream, pattern(300 * 1024, 'z')));
  REQUIRE(link.run_until([&] { return link.server().has<SctpClosed>() && link.client().has<SctpClosed>(); }));
  CHECK_FALSE(link.server().has<MessageReceived>());
  CHECK(link.server().all<SctpClosed>()[0].reason.find("over") != std::string::npos);
  const auto after = link.server().association->send_text(kRoomStream, "late");
  REQUIRE_FALSE(after);
  CHECK(after.error().code == Errc::closed);
  finish(link, library);
}

TEST_CASE("sctp association refuses sends once its buffer is full, and drains as the peer acknowledges") {
  UsrsctpLibrary library;
  SctpAssociationConfig small;
  small.max_message_size = 8 * 1024;
  small.send_buffer_size = 64 * 1024;
  Link link(library, small);
  REQUIRE(link.open_room());
  auto& server = *link.server().association;
  // The client reads nothing while the server writes: a viewer that stopped reading.
  const std::string chunk = pattern(8 * 1024, 'q');
  size_t accepted = 0;
  Result<void> sent;
  while ((sent = server.send_text(kRoomStream, chunk)) && accepted < 100) ++accepted;
  REQUIRE_FALSE(sent);
  CHECK(sent.error().code == Errc::over_limit);
  CHECK(sent.error().message.find("send buffer full") != std::string::npos);
  CHECK(accepted >= 6);
  CHECK(accepted <= 8);
  CHECK(server.buffered_amount() >= 48 * 1024);

  REQUIRE(link.run_until([&] { return link.client().all<MessageReceived>().size() == accepted; }));
  REQUIRE(link.run_until([&] { return server.buffered_amount() == 0; }));
  CHECK(server.send_text(kRoomStream, chunk));
  finish(link, library);
}

TEST_CASE("sctp association closes a channel by stream reset, from either side") {
  UsrsctpLibrary library;
  Link link(library);
  REQUIRE(link.open_room());
  auto& server = *link.server().association;
  auto& client = *link.client().association;

  REQUIRE(client.close_channel(kRoomStream));
  REQUIRE(link.run_until(
      [&] { return link.server().has<ChannelClosed>() && link.client().has<ChannelClosed>(); }));
  CHECK(link.server().all<ChannelClosed>()[0].stream_id == kRoomStream);
  CHECK(link.client().all<ChannelClosed>()[0].stream_id == kRoomStream);
  const auto late = server.send_text(kRoomStream, "anyone?");
  REQUIRE_FALSE(late);
  CHECK(late.error().code == Errc::refused);
  CHECK(server.established());  // the association outlives its channels

  // The stream id is free again: reopen it, then let the server close it.
  REQUIRE(client.open_channel(kRoomStream, room_channel()));
  REQUIRE(link.run_until([&] { return link.server().all<ChannelOpened>().size() == 2; }));
  REQUIRE(server.close_channel(kRoomStream));
  REQUIRE(link.run_until([&] {
    return link.client().all<ChannelClosed>().size() == 2 && link.server().all<ChannelClosed>().size() == 2;
  }));
  CHECK(link.client().all<ChannelClosed>().back().stream_id == kRoomStream);
  finish(link, library);
}

TEST_CASE("sctp association reports the peer's abort as closed") {
  UsrsctpLibrary library;
  Link link(library);
  REQUIRE(link.open_room());
  link.client().association->close("bye");
  CHECK(link.client().all<SctpClosed>().at(0).reason == "bye");
  REQUIRE(link.run_until([&] { return link.server().has<SctpClosed>(); }));
  CHECK_FALSE(link.server().association->established());
  finish(link, library);
}

TEST_CASE("sctp association retransmits a lost packet as the caller's clock advances") {
  UsrsctpLibrary library;
  Link link(library);
  REQUIRE(link.open_room());
  bool dropped = false;
  link.drop_from_client = [&](std::span<const uint8_t>) { return !std::exchange(dropped, true); };
  REQUIRE(link.client().association->send_text(kRoomStream, "lost once"));
  REQUIRE(link.run_until([&] { return link.server().has<MessageReceived>(); }));
  CHECK(dropped);
  CHECK(text_of(link.server().all<MessageReceived>()[0]) == "lost once");
  finish(link, library);
}

TEST_CASE("sctp association shrugs off garbage, with good checksums or bad") {
  UsrsctpLibrary library;
  Link link(library);
  std::mt19937 random(8832);
  auto garbage = [&](bool before_handshake) {
    for (int i = 0; i < 300; ++i) {
      std::vector<uint8_t> packet(random() % 1500);
      for (auto& byte : packet) byte = static_cast<uint8_t>(random());
      if (packet.size() >= sizeof(sctp_common_header) && i % 2 == 0) {
        // Ports 5000 -> 5000 and a valid CRC32c take the bytes past the checks into chunk parsing.
        packet[0] = packet[2] = 0x13;
        packet[1] = packet[3] = 0x88;
        std::memset(packet.data() + 8, 0, 4);
        const uint32_t crc = usrsctp_crc32c(packet.data(), packet.size());
        std::memcpy(packet.data() + 8, &crc, 4);
      }
      link.server().association->receive(packet);
      if (!before_handshake) link.client().association->receive(packet);
    }
  };
  garbage(true);
  REQUIRE(link.open_room());
  garbage(false);
  // Whatever the garbage made either side send, the association still carries messages.
  REQUIRE(link.client().association->send_text(kRoomStream, "still here"));
  REQUIRE(link.run_until([&] { return link.server().has<MessageReceived>(); }));
  CHECK(text_of(link.server().all<MessageReceived>().back()) == "still here");
  finish(link, library);
}

TEST_CASE("sctp association destroyed mid-handshake leaves nothing behind") {
  UsrsctpLibrary library;
  SECTION("after the INIT") {
    Link link(library);
    // Carry only the client's INIT: the server answers with an INIT ACK nobody reads.
    auto init = link.client().sent.front();
    link.client().sent.clear();
    link.server().association->receive(init);
    CHECK_FALSE(link.server().sent.empty());
    finish(link, library);
  }
  SECTION("after the COOKIE ECHO, the server's association accepted") {
    Link link(library);
    REQUIRE(link.run_until([&] { return link.server().association->established(); }));
    CHECK_FALSE(link.client().has<SctpEstablished>());  // the COOKIE ACK is still in flight
    finish(link, library);
  }
  SECTION("with a message half delivered") {
    Link link(library);
    REQUIRE(link.open_room());
    REQUIRE(link.client().association->send_text(kRoomStream, pattern(200 * 1024, 'h')));
    for (int i = 0; i < 40 && !link.client().sent.empty(); ++i) {
      auto packet = std::move(link.client().sent.front());
      link.client().sent.pop_front();
      link.server().association->receive(packet);
    }
    CHECK_FALSE(link.server().has<MessageReceived>());
    finish(link, library);
  }
  SECTION("from inside its own event callback") {
    Link link(library);
    Peer& server = link.server();
    server.association.reset();
    auto association = SctpAssociation::create(
        library, SctpAssociationConfig{.name = "self-destructing"},
        [&server](std::span<const uint8_t> packet) {
          server.sent.emplace_back(packet.begin(), packet.end());
        },
        [holder = &server.association](SctpEvent&& event) {
          if (std::holds_alternative<SctpEstablished>(event)) holder->reset();
        });
    REQUIRE(association);
    server.association = std::move(*association);
    REQUIRE(link.run_until([&] { return server.association == nullptr; }));
    finish(link, library);
  }
}
