// AMF0 encoder (AMF0 spec 2): values in, bytes out, the mirror of amf0_decoder.cpp.
#include <algorithm>
#include <bit>

#include "protocol/core/byte_writer.hpp"
#include "protocol/rtmp/amf0.hpp"
#include "protocol/rtmp/amf0_markers.hpp"

namespace liverelay::amf0 {
namespace {

constexpr size_t kMaxShortString = 0xFFFF;  // AMF0 spec 2.4: u16 length

class Encoder {
 public:
  explicit Encoder(std::vector<uint8_t>& out) : out_(out), writer_(out) {}

  void operator()(double number) {
    writer_.u8(marker::kNumber);
    writer_.u64be(std::bit_cast<uint64_t>(number));
  }
  void operator()(bool flag) {
    writer_.u8(marker::kBoolean);
    writer_.u8(flag ? 1 : 0);
  }
  // AMF0 spec 2.4 / 2.14: a long string only when the u16 length cannot hold it.
  void operator()(const std::string& text) {
    if (text.size() <= kMaxShortString) {
      writer_.u8(marker::kString);
      writer_.u16be(static_cast<uint16_t>(text.size()));
    } else {
      writer_.u8(marker::kLongString);
      writer_.u32be(static_cast<uint32_t>(text.size()));
    }
    writer_.text(text);
  }
  void operator()(const Object& object) {
    writer_.u8(marker::kObject);
    properties(object);
  }
  // AMF0 spec 2.10: the count is the number of properties; they still end with the end marker.
  void operator()(const EcmaArray& array) {
    writer_.u8(marker::kEcmaArray);
    writer_.u32be(static_cast<uint32_t>(array.entries.size()));
    properties(array.entries);
  }
  void operator()(const StrictArray& array) {
    writer_.u8(marker::kStrictArray);
    writer_.u32be(static_cast<uint32_t>(array.items.size()));
    for (const Value& item : array.items) encode(item, out_);
  }
  void operator()(Null) { writer_.u8(marker::kNull); }
  void operator()(Undefined) { writer_.u8(marker::kUndefined); }
  // AMF0 spec 2.13: milliseconds since the epoch, then a reserved time zone.
  void operator()(const Date& date) {
    writer_.u8(marker::kDate);
    writer_.u64be(std::bit_cast<uint64_t>(date.ms_since_epoch));
    writer_.u16be(static_cast<uint16_t>(date.timezone_min));
  }

 private:
  void properties(const Object& object) {
    for (const Property& property : object) {
      const size_t length = std::min(property.key.size(), kMaxShortString);
      writer_.u16be(static_cast<uint16_t>(length));
      writer_.text(std::string_view(property.key).substr(0, length));
      encode(property.value, out_);
    }
    writer_.u16be(0);  // AMF0 spec 2.5: an empty name, then the object end marker
    writer_.u8(marker::kObjectEnd);
  }

  std::vector<uint8_t>& out_;
  ByteWriter writer_;
};

}  // namespace

void encode(const Value& value, std::vector<uint8_t>& out) { std::visit(Encoder(out), value.v); }

std::vector<uint8_t> encode_all(std::span<const Value> values) {
  std::vector<uint8_t> out;
  for (const Value& value : values) encode(value, out);
  return out;
}

}  // namespace liverelay::amf0
