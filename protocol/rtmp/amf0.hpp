// AMF0 values, decoder and encoder (AMF0 spec; RTMP commands and onMetaData).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/core/byte_reader.hpp"
#include "protocol/core/error.hpp"

namespace liverelay::amf0 {

struct Value;
struct Property;
using Object = std::vector<Property>;  // keeps the order the sender used

struct Null {
  bool operator==(const Null&) const = default;
};
struct Undefined {
  bool operator==(const Undefined&) const = default;
};
struct Date {
  double ms_since_epoch = 0;
  int16_t timezone_min = 0;
  bool operator==(const Date&) const = default;
};
struct EcmaArray {
  Object entries;
  bool operator==(const EcmaArray&) const;
};
struct StrictArray {
  std::vector<Value> items;
  bool operator==(const StrictArray&) const;
};

// Strings up to 65535 bytes encode as string (0x02), longer ones as long string (0x0C).
struct Value {
  std::variant<double, bool, std::string, Object, EcmaArray, StrictArray, Null, Undefined, Date> v;

  // Defined below Property: building the variant instantiates ~vector<Property>, which needs
  // Property complete (clang rejects the in-class bodies; GCC happened to accept them).
  Value();
  Value(double d);
  Value(int i);
  // Any other integer (uint32_t stream ids, size_t counts) is a number too, not ambiguous.
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, int>)
  Value(T i);
  Value(bool b);
  Value(std::string s);
  Value(const char* s);
  Value(Object o);
  Value(EcmaArray a);
  Value(StrictArray a);
  Value(Null n);
  Value(Undefined u);
  Value(Date d);

  [[nodiscard]] std::optional<double> as_number() const;
  [[nodiscard]] std::optional<bool> as_bool() const;
  [[nodiscard]] const std::string* as_string() const;
  // Properties of an Object or an ECMA array; nullptr for other types.
  [[nodiscard]] const Object* as_object() const;
  // The value of `key` in an Object or ECMA array, or nullptr.
  [[nodiscard]] const Value* get(std::string_view key) const;
  [[nodiscard]] bool is_null_or_undefined() const;

  bool operator==(const Value&) const;
};

struct Property {
  std::string key;
  Value value;
  bool operator==(const Property&) const;
};

inline Value::Value() : v(Null{}) {}
inline Value::Value(double d) : v(d) {}
inline Value::Value(int i) : v(static_cast<double>(i)) {}
template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, int>)
inline Value::Value(T i) : v(static_cast<double>(i)) {}
inline Value::Value(bool b) : v(b) {}
inline Value::Value(std::string s) : v(std::move(s)) {}
inline Value::Value(const char* s) : v(std::string(s)) {}
inline Value::Value(Object o) : v(std::move(o)) {}
inline Value::Value(EcmaArray a) : v(std::move(a)) {}
inline Value::Value(StrictArray a) : v(std::move(a)) {}
inline Value::Value(Null n) : v(n) {}
inline Value::Value(Undefined u) : v(u) {}
inline Value::Value(Date d) : v(d) {}

struct DecodeLimits {
  size_t max_depth = 32;        // nested objects and arrays (a top-level object is depth 1)
  size_t max_elements = 65536;  // properties or items in one container
};

// Decodes one value at the reader's position. Errors name the offset and the marker:
// truncated input -> Errc::truncated, an unknown marker -> Errc::malformed, over a limit ->
// Errc::over_limit. Beyond the plain AMF0 types it reads a typed object (0x10) as an Object
// (the class name is dropped), an XML document (0x0F) as a string, the "unsupported" marker
// (0x0D) as Undefined, and after the AMF3 switch (0x11) the AMF3 scalars (undefined, null,
// booleans, integer, double, inline string). References (AMF0 0x07, AMF3 string/object
// references), movie clips, record sets and AMF3 containers are Errc::unsupported: no RTMP
// encoder sends them in commands or metadata, and resolving references by copying would let a
// few bytes expand into an exponentially large value. Strings are kept as bytes, not checked
// as UTF-8. On error the reader's position is unspecified.
Result<Value> decode(ByteReader& reader, const DecodeLimits& limits = {});

// Decodes values until the input ends (a command or data message body).
Result<std::vector<Value>> decode_all(std::span<const uint8_t> body, const DecodeLimits& limits = {});
// The same from the reader's position, so error offsets count from the start of its span.
Result<std::vector<Value>> decode_all(ByteReader& reader, const DecodeLimits& limits = {});

// Appends one value. Object keys longer than 65535 bytes (the u16 length, AMF0 spec 2.4) are cut
// to 65535: keys come from our own code or from a decoder that cannot produce longer ones.
void encode(const Value& value, std::vector<uint8_t>& out);
std::vector<uint8_t> encode_all(std::span<const Value> values);

}  // namespace liverelay::amf0
