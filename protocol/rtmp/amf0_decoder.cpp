// AMF0 decoder (AMF0 spec 2), with the AMF3 scalars an AMF3 switch may carry (AMF3 spec 3).
#include <bit>
#include <cstdio>

#include "protocol/rtmp/amf0.hpp"
#include "protocol/rtmp/amf0_markers.hpp"

namespace liverelay::amf0 {
namespace {

std::string hex(uint8_t byte) {
  char text[5];
  std::snprintf(text, sizeof text, "0x%02x", byte);
  return text;
}

tl::unexpected<Error> truncated(std::string_view what, size_t at) {
  return fail(Errc::truncated, std::string(what) + " at offset " + std::to_string(at));
}

tl::unexpected<Error> propagate(Error&& error) { return tl::unexpected<Error>(std::move(error)); }

class Decoder {
 public:
  Decoder(ByteReader& reader, const DecodeLimits& limits) : reader_(reader), limits_(limits) {}

  // `depth` counts the containers around this value; recursion stops at limits_.max_depth.
  Result<Value> value(size_t depth) {
    const size_t at = reader_.position();
    const auto type = reader_.u8();
    if (!type) return truncated("type marker", at);
    switch (*type) {
      case marker::kNumber: return number();
      case marker::kBoolean: return boolean();
      case marker::kString: return string(2, "string");
      case marker::kLongString: return string(4, "long string");
      case marker::kXmlDocument: return string(4, "XML document");  // AMF0 spec 2.17
      case marker::kObject: return object(depth, at, false);
      case marker::kTypedObject: return object(depth, at, true);
      case marker::kEcmaArray: return ecma_array(depth, at);
      case marker::kStrictArray: return strict_array(depth, at);
      case marker::kDate: return date();
      case marker::kNull: return Value(Null{});
      case marker::kUndefined: return Value(Undefined{});
      case marker::kUnsupported: return Value(Undefined{});  // AMF0 spec 2.15: a placeholder
      case marker::kAvmPlusObject: return amf3_value();
      case marker::kReference:
      case marker::kMovieClip:
      case marker::kRecordSet:
        return fail(Errc::unsupported, "type marker " + hex(*type) + " at offset " +
                                           std::to_string(at) + " is not supported");
      case marker::kObjectEnd:
        return fail(Errc::malformed,
                    "object end marker outside an object at offset " + std::to_string(at));
      default:
        return fail(Errc::malformed,
                    "unknown type marker " + hex(*type) + " at offset " + std::to_string(at));
    }
  }

 private:
  Result<Value> number() {
    const size_t at = reader_.position();
    const auto bits = reader_.u64be();
    if (!bits) return truncated("number", at);
    return Value(std::bit_cast<double>(*bits));
  }

  Result<Value> boolean() {
    const size_t at = reader_.position();
    const auto byte = reader_.u8();
    if (!byte) return truncated("boolean", at);
    return Value(*byte != 0);
  }

  // AMF0 spec 2.4 / 2.14: UTF-8 with a u16 (string) or u32 (long string) byte length.
  Result<std::string> text(size_t length_size, std::string_view what) {
    const size_t at = reader_.position();
    const auto length =
        length_size == 2 ? std::optional<uint32_t>(reader_.u16be()) : reader_.u32be();
    if (!length) return truncated(std::string(what) + " length", at);
    const auto bytes = reader_.bytes(*length);
    if (!bytes) {
      return truncated(std::string(what) + " of " + std::to_string(*length) + " bytes", at);
    }
    return std::string(bytes->begin(), bytes->end());
  }

  Result<Value> string(size_t length_size, std::string_view what) {
    auto s = text(length_size, what);
    if (!s) return propagate(std::move(s).error());
    return Value(std::move(*s));
  }

  Result<Value> date() {
    const size_t at = reader_.position();
    const auto ms = reader_.u64be();
    const auto timezone = reader_.u16be();  // AMF0 spec 2.13: reserved, should be 0
    if (!ms || !timezone) return truncated("date", at);
    return Value(Date{std::bit_cast<double>(*ms), static_cast<int16_t>(*timezone)});
  }

  std::optional<Error> enter(size_t depth, size_t at) const {
    if (depth + 1 <= limits_.max_depth) return std::nullopt;
    return Error{Errc::over_limit, "nesting deeper than " + std::to_string(limits_.max_depth) +
                                       " at offset " + std::to_string(at)};
  }

  // AMF0 spec 2.5 / 2.18: an object, or a typed object (class name first, then dropped).
  Result<Value> object(size_t depth, size_t at, bool typed) {
    if (auto error = enter(depth, at)) return propagate(std::move(*error));
    if (typed) {
      auto class_name = text(2, "class name");
      if (!class_name) return propagate(std::move(class_name).error());
    }
    auto properties = this->properties(depth + 1);
    if (!properties) return propagate(std::move(properties).error());
    return Value(std::move(*properties));
  }

  // AMF0 spec 2.10: the count is only a hint (encoders get it wrong), the end marker decides.
  Result<Value> ecma_array(size_t depth, size_t at) {
    if (auto error = enter(depth, at)) return propagate(std::move(*error));
    if (!reader_.u32be()) return truncated("ECMA array count", at + 1);
    auto properties = this->properties(depth + 1);
    if (!properties) return propagate(std::move(properties).error());
    return Value(EcmaArray{std::move(*properties)});
  }

  // Name/value pairs up to an empty name and the object end marker (AMF0 spec 2.5).
  Result<Object> properties(size_t depth) {
    Object out;
    for (;;) {
      const size_t at = reader_.position();
      const auto length = reader_.u16be();
      if (!length) return truncated("property name length", at);
      if (*length == 0) {
        const auto rest = reader_.rest();
        if (rest.empty()) return truncated("object end marker", reader_.position());
        if (rest[0] == marker::kObjectEnd) {
          reader_.skip(1);
          return out;
        }
        // An empty name before any other marker is a property named "" (ECMAScript allows it).
      }
      const auto name = reader_.bytes(*length);
      if (!name) return truncated("property name", at);
      if (out.size() >= limits_.max_elements) {
        return fail(Errc::over_limit, "more than " + std::to_string(limits_.max_elements) +
                                          " properties at offset " + std::to_string(at));
      }
      auto item = value(depth);
      if (!item) return propagate(std::move(item).error());
      out.push_back(Property{std::string(name->begin(), name->end()), std::move(*item)});
    }
  }

  // AMF0 spec 2.12: a u32 count, then that many values. Nothing is reserved from the count:
  // memory grows only with items actually read.
  Result<Value> strict_array(size_t depth, size_t at) {
    if (auto error = enter(depth, at)) return propagate(std::move(*error));
    const auto count = reader_.u32be();
    if (!count) return truncated("strict array count", at + 1);
    if (*count > limits_.max_elements) {
      return fail(Errc::over_limit, "strict array of " + std::to_string(*count) +
                                        " items at offset " + std::to_string(at));
    }
    StrictArray out;
    for (uint32_t i = 0; i < *count; ++i) {
      auto item = value(depth + 1);
      if (!item) return propagate(std::move(item).error());
      out.items.push_back(std::move(*item));
    }
    return Value(std::move(out));
  }

  // AMF3 spec 3.1: the value after an AMF3 switch; only scalars have an AMF0 equivalent.
  Result<Value> amf3_value() {
    const size_t at = reader_.position();
    const auto type = reader_.u8();
    if (!type) return truncated("AMF3 type marker", at);
    switch (*type) {
      case marker::kAmf3Undefined: return Value(Undefined{});
      case marker::kAmf3Null: return Value(Null{});
      case marker::kAmf3False: return Value(false);
      case marker::kAmf3True: return Value(true);
      case marker::kAmf3Double: return number();
      case marker::kAmf3Integer: {
        auto u29 = this->u29("AMF3 integer");
        if (!u29) return propagate(std::move(u29).error());
        // AMF3 spec 3.6: a 29-bit two's complement integer.
        const int32_t signed_value = (*u29 & 0x10000000u) ? static_cast<int32_t>(*u29) - 0x20000000
                                                          : static_cast<int32_t>(*u29);
        return Value(static_cast<double>(signed_value));
      }
      case marker::kAmf3String: return amf3_string();
      default:
        if (*type > marker::kAmf3LastKnown) {
          return fail(Errc::malformed, "unknown AMF3 type marker " + hex(*type) + " at offset " +
                                           std::to_string(at));
        }
        return fail(Errc::unsupported, "AMF3 type marker " + hex(*type) + " at offset " +
                                           std::to_string(at) + " is not supported");
    }
  }

  // AMF3 spec 1.3.1: U29, 7 bits per byte with a continuation bit, all 8 bits of a 4th byte.
  Result<uint32_t> u29(std::string_view what) {
    const size_t at = reader_.position();
    uint32_t result = 0;
    for (int i = 0; i < 3; ++i) {
      const auto byte = reader_.u8();
      if (!byte) return truncated(what, at);
      result = (result << 7) | (*byte & 0x7Fu);
      if ((*byte & 0x80u) == 0) return result;
    }
    const auto last = reader_.u8();
    if (!last) return truncated(what, at);
    return (result << 8) | *last;
  }

  // AMF3 spec 3.8: U29 header, low bit 1 for an inline string of (header >> 1) bytes.
  Result<Value> amf3_string() {
    const size_t at = reader_.position();
    auto header = u29("AMF3 string length");
    if (!header) return propagate(std::move(header).error());
    if ((*header & 1u) == 0) {
      return fail(Errc::unsupported,
                  "AMF3 string reference at offset " + std::to_string(at) + " is not supported");
    }
    const uint32_t length = *header >> 1;
    const auto bytes = reader_.bytes(length);
    if (!bytes) return truncated("AMF3 string of " + std::to_string(length) + " bytes", at);
    return Value(std::string(bytes->begin(), bytes->end()));
  }

  ByteReader& reader_;
  const DecodeLimits& limits_;
};

}  // namespace

Result<Value> decode(ByteReader& reader, const DecodeLimits& limits) {
  return Decoder(reader, limits).value(0);
}

Result<std::vector<Value>> decode_all(ByteReader& reader, const DecodeLimits& limits) {
  std::vector<Value> values;
  while (!reader.empty()) {
    auto value = decode(reader, limits);
    if (!value) {
      return propagate(std::move(value).error().context("value " + std::to_string(values.size())));
    }
    values.push_back(std::move(*value));
  }
  return values;
}

Result<std::vector<Value>> decode_all(std::span<const uint8_t> body, const DecodeLimits& limits) {
  ByteReader reader(body);
  return decode_all(reader, limits);
}

}  // namespace liverelay::amf0
