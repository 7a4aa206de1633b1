// Unit tests for the AMF0 decoder and encoder: spec byte vectors, round trips, limits, garbage.
#include "protocol/rtmp/amf0.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <string_view>

#include "tests/protocol/rtmp/test_bytes.hpp"

using namespace liverelay;
using namespace liverelay::amf0;

namespace {

using liverelay::testing::put;
using liverelay::testing::put_number;
using liverelay::testing::put_string;
using liverelay::testing::put_utf8;

std::vector<uint8_t> encoded(const Value& value) {
  std::vector<uint8_t> out;
  encode(value, out);
  return out;
}

Result<Value> decoded(std::span<const uint8_t> bytes, const DecodeLimits& limits = {}) {
  ByteReader reader(bytes);
  return decode(reader, limits);
}

Value nested_objects(size_t levels) {
  Value value = 1.0;
  for (size_t i = 0; i < levels; ++i) value = Object{{"child", value}};
  return value;
}

}  // namespace

TEST_CASE("amf0 encodes each type with its AMF0 spec 2.1 marker and layout") {
  CHECK(encoded(1.5) == std::vector<uint8_t>{0x00, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0});
  CHECK(encoded(true) == std::vector<uint8_t>{0x01, 0x01});
  CHECK(encoded(false) == std::vector<uint8_t>{0x01, 0x00});
  CHECK(encoded("ab") == std::vector<uint8_t>{0x02, 0x00, 0x02, 'a', 'b'});
  CHECK(encoded(Object{{"a", Null{}}}) ==
        std::vector<uint8_t>{0x03, 0x00, 0x01, 'a', 0x05, 0x00, 0x00, 0x09});
  CHECK(encoded(Null{}) == std::vector<uint8_t>{0x05});
  CHECK(encoded(Undefined{}) == std::vector<uint8_t>{0x06});
  CHECK(encoded(EcmaArray{{{"a", true}}}) ==
        std::vector<uint8_t>{0x08, 0, 0, 0, 1, 0x00, 0x01, 'a', 0x01, 0x01, 0x00, 0x00, 0x09});
  CHECK(encoded(StrictArray{{Null{}, Undefined{}}}) ==
        std::vector<uint8_t>{0x0A, 0, 0, 0, 2, 0x05, 0x06});
  CHECK(encoded(Date{1.0, -60}) ==
        std::vector<uint8_t>{0x0B, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xFF, 0xC4});
}

TEST_CASE("amf0 round trip of every type gives back the same value and consumes all bytes") {
  const std::vector<Value> values = {
      0.0,
      -1.5,
      1e300,
      std::numeric_limits<double>::infinity(),
      true,
      false,
      "",
      "rtmp://127.0.0.1/live",
      std::string(70000, 'x'),
      Object{},
      Object{{"app", "live"}, {"n", 3}, {"", Null{}}, {"app", "duplicate kept"}},
      EcmaArray{},
      EcmaArray{{{"width", 1280}, {"stereo", true}, {"encoder", "Lavf60.16.100"}}},
      StrictArray{},
      StrictArray{{1, "two", Null{}, StrictArray{{Undefined{}}}}},
      Null{},
      Undefined{},
      Date{1700000000000.0, 0},
      Date{-1.0, -120},
      nested_objects(10),
      Object{{"list", StrictArray{{EcmaArray{{{"k", Object{{"deep", Date{}}}}}}}}}},
  };
  for (const Value& value : values) {
    const std::vector<uint8_t> bytes = encoded(value);
    ByteReader reader(bytes);
    const auto result = decode(reader);
    REQUIRE(result.has_value());
    CHECK(*result == value);
    CHECK(reader.empty());
  }
}

TEST_CASE("amf0 strings over 65535 bytes encode as long strings (0x0C) and decode back") {
  const std::string longest_short(65535, 's');
  const std::vector<uint8_t> short_bytes = encoded(longest_short);
  CHECK(short_bytes.size() == 3 + 65535);
  CHECK(std::vector<uint8_t>(short_bytes.begin(), short_bytes.begin() + 3) ==
        std::vector<uint8_t>{0x02, 0xFF, 0xFF});

  const std::string long_text(65536 + 100, 'L');
  const std::vector<uint8_t> long_bytes = encoded(long_text);
  CHECK(long_bytes.size() == 5 + long_text.size());
  CHECK(std::vector<uint8_t>(long_bytes.begin(), long_bytes.begin() + 5) ==
        std::vector<uint8_t>{0x0C, 0x00, 0x01, 0x00, 0x64});
  const auto back = decoded(long_bytes);
  REQUIRE(back.has_value());
  REQUIRE(back->as_string() != nullptr);
  CHECK(*back->as_string() == long_text);
}

TEST_CASE("amf0 decodes the onMetaData ECMA array ffmpeg sends, whatever count it declares") {
  std::vector<uint8_t> bytes;
  // flvenc.c writes an estimated count and only patches it when the output is seekable.
  put(bytes, {0x08, 0x00, 0x00, 0x00, 0x03});
  put_utf8(bytes, "duration");
  put_number(bytes, 0);
  put_utf8(bytes, "width");
  put_number(bytes, 1280);
  put_utf8(bytes, "height");
  put_number(bytes, 720);
  put_utf8(bytes, "framerate");
  put_number(bytes, 30);
  put_utf8(bytes, "videocodecid");
  put_number(bytes, 7);
  put_utf8(bytes, "audiosamplerate");
  put_number(bytes, 48000);
  put_utf8(bytes, "stereo");
  put(bytes, {0x01, 0x01});
  put_utf8(bytes, "audiocodecid");
  put_number(bytes, 10);
  put_utf8(bytes, "encoder");
  put_string(bytes, "Lavf60.16.100");
  put_utf8(bytes, "filesize");
  put_number(bytes, 0);
  put(bytes, {0x00, 0x00, 0x09});

  const auto metadata = decoded(bytes);
  REQUIRE(metadata.has_value());
  REQUIRE(std::holds_alternative<EcmaArray>(metadata->v));
  REQUIRE(metadata->as_object() != nullptr);
  CHECK(metadata->as_object()->size() == 10);
  CHECK(metadata->get("width")->as_number() == 1280.0);
  CHECK(metadata->get("height")->as_number() == 720.0);
  CHECK(metadata->get("videocodecid")->as_number() == 7.0);
  CHECK(metadata->get("audiosamplerate")->as_number() == 48000.0);
  CHECK(metadata->get("stereo")->as_bool() == true);
  CHECK(*metadata->get("encoder")->as_string() == "Lavf60.16.100");
  CHECK(metadata->get("missing") == nullptr);
}

TEST_CASE("amf0 rejects every truncation of a valid encoding as truncated, without crashing") {
  std::vector<uint8_t> bytes;
  put(bytes, {0x0A, 0x00, 0x00, 0x00, 0x0A});  // strict array of the 10 items below
  for (const Value& value : {Value(-2.25), Value(true), Value("text"), Value(""),
                             Value(Object{{"k", "v"}, {"n", Null{}}}), Value(EcmaArray{{{"a", 1}}}),
                             Value(Date{5.0, 1})}) {
    const auto item = encoded(value);
    bytes.insert(bytes.end(), item.begin(), item.end());
  }
  put(bytes, {0x0C, 0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c'});  // long string, short length
  // Typed object "T" {"x": Undefined} followed by an empty-named property before the end.
  put(bytes, {0x10, 0x00, 0x01, 'T', 0x00, 0x01, 'x', 0x06, 0x00, 0x00, 0x05, 0x00, 0x00, 0x09});
  // AMF3 switch, then an integer as a 3-byte U29: 2^14.
  put(bytes, {0x11, 0x04, 0x81, 0x80, 0x00});

  const auto whole = decoded(bytes);
  REQUIRE(whole.has_value());
  const auto* items = std::get_if<StrictArray>(&whole->v);
  REQUIRE(items != nullptr);
  REQUIRE(items->items.size() == 10);
  CHECK(items->items[7] == Value("abc"));
  CHECK(items->items[8] == Value(Object{{"x", Undefined{}}, {"", Null{}}}));
  CHECK(items->items[9] == Value(16384));

  for (size_t length = 0; length < bytes.size(); ++length) {
    const auto prefix = decoded(std::span<const uint8_t>(bytes).first(length));
    INFO("prefix of " << length << " bytes");
    REQUIRE_FALSE(prefix.has_value());
    CHECK(prefix.error().code == Errc::truncated);
  }
}

TEST_CASE("amf0 rejects objects nested deeper than max_depth as over_limit") {
  CHECK(decoded(encoded(nested_objects(32))).has_value());
  const auto too_deep = decoded(encoded(nested_objects(33)));
  REQUIRE_FALSE(too_deep.has_value());
  CHECK(too_deep.error().code == Errc::over_limit);

  const DecodeLimits flat{.max_depth = 1, .max_elements = 16};
  CHECK(decoded(encoded(Object{{"a", 1}}), flat).has_value());
  CHECK(decoded(encoded(Object{{"a", StrictArray{}}}), flat).error().code == Errc::over_limit);
}

TEST_CASE("amf0 stops a 100000-deep array bomb at max_depth instead of recursing into it") {
  std::vector<uint8_t> bomb;
  for (int i = 0; i < 100000; ++i) put(bomb, {0x0A, 0x00, 0x00, 0x00, 0x01});
  const auto result = decoded(bomb);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Errc::over_limit);
  CHECK(result.error().message.find("deeper than 32") != std::string::npos);
}

TEST_CASE("amf0 rejects containers with more than max_elements entries as over_limit") {
  const DecodeLimits two{.max_depth = 8, .max_elements = 2};
  CHECK(decoded(encoded(Object{{"a", 1}, {"b", 2}}), two).has_value());
  CHECK(decoded(encoded(Object{{"a", 1}, {"b", 2}, {"c", 3}}), two).error().code ==
        Errc::over_limit);
  CHECK(decoded(encoded(EcmaArray{{{"a", 1}, {"b", 2}, {"c", 3}}}), two).error().code ==
        Errc::over_limit);
  CHECK(decoded(encoded(StrictArray{{1, 2, 3}}), two).error().code == Errc::over_limit);

  // A declared count of 4 billion items is refused from the header, before reading any item.
  const std::vector<uint8_t> huge{0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05};
  CHECK(decoded(huge).error().code == Errc::over_limit);
}

TEST_CASE("amf0 rejects unknown type markers as malformed, naming the marker and offset") {
  for (int type = 0x12; type <= 0xFF; ++type) {
    const std::vector<uint8_t> bytes{static_cast<uint8_t>(type), 0, 0, 0, 0, 0, 0, 0, 0};
    const auto result = decoded(bytes);
    INFO("marker " << type);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == Errc::malformed);
  }
  const std::vector<uint8_t> inside{0x03, 0x00, 0x01, 'a', 0x42, 0x00, 0x00, 0x09};
  const auto result = decoded(inside);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Errc::malformed);
  CHECK(result.error().message == "unknown type marker 0x42 at offset 4");
}

TEST_CASE("amf0 rejects an object end marker outside an object as malformed") {
  CHECK(decoded(std::vector<uint8_t>{0x09}).error().code == Errc::malformed);
  const std::vector<uint8_t> in_array{0x0A, 0x00, 0x00, 0x00, 0x01, 0x09};
  CHECK(decoded(in_array).error().code == Errc::malformed);
}

TEST_CASE("amf0 reports references, movie clips and record sets as unsupported") {
  for (uint8_t type : {0x07, 0x04, 0x0E}) {
    const std::vector<uint8_t> bytes{type, 0x00, 0x01};
    const auto result = decoded(bytes);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == Errc::unsupported);
  }
}

TEST_CASE("amf0 decodes a typed object as an Object without its class name") {
  std::vector<uint8_t> bytes{0x10};
  put_utf8(bytes, "flash.net.Responder");
  put_utf8(bytes, "level");
  put_string(bytes, "status");
  put(bytes, {0x00, 0x00, 0x09});
  const auto result = decoded(bytes);
  REQUIRE(result.has_value());
  CHECK(*result == Value(Object{{"level", "status"}}));
}

TEST_CASE("amf0 decodes the unsupported marker as Undefined and an XML document as a string") {
  CHECK(*decoded(std::vector<uint8_t>{0x0D}) == Value(Undefined{}));
  const std::vector<uint8_t> xml{0x0F, 0x00, 0x00, 0x00, 0x04, '<', 'a', '/', '>'};
  CHECK(*decoded(xml) == Value("<a/>"));
}

TEST_CASE("amf0 decodes the AMF3 scalars that follow an AMF3 switch marker (0x11)") {
  using Bytes = std::vector<uint8_t>;
  CHECK(*decoded(Bytes{0x11, 0x00}) == Value(Undefined{}));
  CHECK(*decoded(Bytes{0x11, 0x01}) == Value(Null{}));
  CHECK(*decoded(Bytes{0x11, 0x02}) == Value(false));
  CHECK(*decoded(Bytes{0x11, 0x03}) == Value(true));
  // AMF3 spec 1.3.1 and 3.6: U29 integers, sign-extended from 29 bits.
  CHECK(*decoded(Bytes{0x11, 0x04, 0x05}) == Value(5));
  CHECK(*decoded(Bytes{0x11, 0x04, 0x81, 0x00}) == Value(128));
  CHECK(*decoded(Bytes{0x11, 0x04, 0xBF, 0xFF, 0xFF, 0xFF}) == Value(268435455));
  CHECK(*decoded(Bytes{0x11, 0x04, 0xFF, 0xFF, 0xFF, 0xFF}) == Value(-1));
  CHECK(*decoded(Bytes{0x11, 0x04, 0xC0, 0x80, 0x80, 0x00}) == Value(-268435456));
  CHECK(*decoded(Bytes{0x11, 0x05, 0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18}) ==
        Value(3.141592653589793));
  // AMF3 spec 3.8: header (5 << 1) | 1 marks an inline string of 5 bytes.
  CHECK(*decoded(Bytes{0x11, 0x06, 0x0B, 'h', 'e', 'l', 'l', 'o'}) == Value("hello"));
  CHECK(*decoded(Bytes{0x11, 0x06, 0x01}) == Value(""));
}

TEST_CASE("amf0 rejects AMF3 containers and string references as unsupported") {
  using Bytes = std::vector<uint8_t>;
  CHECK(decoded(Bytes{0x11, 0x06, 0x00}).error().code == Errc::unsupported);  // reference 0
  for (uint8_t type = 0x07; type <= 0x11; ++type) {
    INFO("AMF3 marker " << int(type));
    CHECK(decoded(Bytes{0x11, type, 0x01, 0x01}).error().code == Errc::unsupported);
  }
  CHECK(decoded(Bytes{0x11, 0x12}).error().code == Errc::malformed);
  CHECK(decoded(Bytes{0x11, 0xFF}).error().code == Errc::malformed);
}

TEST_CASE("amf0 decode reads one value and leaves the reader at the next") {
  std::vector<uint8_t> bytes = encoded("first");
  const std::vector<uint8_t> second = encoded(2);
  bytes.insert(bytes.end(), second.begin(), second.end());
  ByteReader reader(bytes);
  CHECK(*decode(reader) == Value("first"));
  CHECK(reader.position() == 8);
  CHECK(*decode(reader) == Value(2));
  CHECK(reader.empty());
}

TEST_CASE("amf0 decode_all returns every value and names the index of one that fails") {
  const std::vector<Value> values{"play", 0, Null{}, "cam1"};
  const auto all = decode_all(encode_all(values));
  REQUIRE(all.has_value());
  CHECK(*all == values);

  std::vector<uint8_t> broken = encode_all(values);
  broken.push_back(0x02);  // a fifth value cut inside its length
  const auto result = decode_all(broken);
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == Errc::truncated);
  CHECK(result.error().message == "value 4: string length at offset 25");
}

TEST_CASE("amf0 lookups read Objects and ECMA arrays, and the last duplicate key wins") {
  const Value object = Object{{"app", "first"}, {"app", "second"}};
  REQUIRE(object.get("app") != nullptr);
  CHECK(*object.get("app")->as_string() == "second");
  const Value array = EcmaArray{{{"duration", 12.5}}};
  CHECK(array.get("duration")->as_number() == 12.5);
  CHECK(Value(3).get("app") == nullptr);
  CHECK(Value(3).as_object() == nullptr);
  CHECK(Value(3).as_string() == nullptr);
  CHECK_FALSE(Value("3").as_number().has_value());
  CHECK_FALSE(Value(1).as_bool().has_value());
  CHECK(Value(Null{}).is_null_or_undefined());
  CHECK(Value(Undefined{}).is_null_or_undefined());
  CHECK_FALSE(Value(0).is_null_or_undefined());
}

TEST_CASE("amf0 values built from any integer type are numbers") {
  CHECK(Value(uint32_t{1935}).as_number() == 1935.0);
  CHECK(Value(size_t{7}).as_number() == 7.0);
  CHECK(Value(int64_t{-3}).as_number() == -3.0);
  CHECK(Value(true).as_bool() == true);
}

TEST_CASE("amf0 encoder cuts object keys longer than the u16 length allows") {
  const std::string long_key(70000, 'k');
  const auto back = decoded(encoded(Object{{long_key, 1}}));
  REQUIRE(back.has_value());
  REQUIRE(back->as_object() != nullptr);
  CHECK(back->as_object()->front().key == std::string(65535, 'k'));
}

TEST_CASE("amf0 number NaN survives a round trip as NaN") {
  const auto back = decoded(encoded(std::nan("")));
  REQUIRE(back.has_value());
  REQUIRE(back->as_number().has_value());
  CHECK(std::isnan(*back->as_number()));
}
