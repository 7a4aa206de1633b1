// PublishAuth: open mode takes the key as the name, keyed mode maps secret keys to names.
#include <catch2/catch.hpp>

#include "server/stream/publish_auth.hpp"

using liverelay::PublishAuth;

TEST_CASE("open mode accepts any valid name as its own public name") {
  PublishAuth auth({});
  CHECK_FALSE(auth.keyed());
  CHECK(auth.resolve("cam1") == "cam1");
  CHECK(auth.resolve("my-stream_2.hd") == "my-stream_2.hd");
}

TEST_CASE("open mode refuses names unsafe in URLs and paths") {
  PublishAuth auth({});
  CHECK_FALSE(auth.resolve(""));
  CHECK_FALSE(auth.resolve("../etc"));
  CHECK_FALSE(auth.resolve("a/b"));
  CHECK_FALSE(auth.resolve(".hidden"));
  CHECK_FALSE(auth.resolve("with space"));
  CHECK_FALSE(auth.resolve(std::string(65, 'a')));
}

TEST_CASE("keyed mode maps a key to its public name and refuses any other key") {
  PublishAuth auth({{"alice", "sk_live_a"}, {"bob", "sk_live_b"}});
  CHECK(auth.keyed());
  CHECK(auth.resolve("sk_live_a") == "alice");
  CHECK(auth.resolve("sk_live_b") == "bob");
  CHECK_FALSE(auth.resolve("alice"));
  CHECK_FALSE(auth.resolve("sk_live_"));
  CHECK_FALSE(auth.resolve("sk_live_aa"));
  CHECK_FALSE(auth.resolve(""));
  CHECK(auth.configured_names() == std::vector<std::string>{"alice", "bob"});
}
