// AMF0 values: typed accessors and equality (the decoder and encoder live in their own files).
#include "protocol/rtmp/amf0.hpp"

namespace liverelay::amf0 {

bool EcmaArray::operator==(const EcmaArray& other) const { return entries == other.entries; }
bool StrictArray::operator==(const StrictArray& other) const { return items == other.items; }
bool Property::operator==(const Property& other) const {
  return key == other.key && value == other.value;
}
bool Value::operator==(const Value& other) const { return v == other.v; }

std::optional<double> Value::as_number() const {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}

std::optional<bool> Value::as_bool() const {
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return std::nullopt;
}

const std::string* Value::as_string() const { return std::get_if<std::string>(&v); }

const Object* Value::as_object() const {
  if (const auto* o = std::get_if<Object>(&v)) return o;
  if (const auto* a = std::get_if<EcmaArray>(&v)) return &a->entries;
  return nullptr;
}

const Value* Value::get(std::string_view key) const {
  const Object* object = as_object();
  if (object == nullptr) return nullptr;
  // The last duplicate wins, as it would for a script reading the object.
  for (auto it = object->rbegin(); it != object->rend(); ++it) {
    if (it->key == key) return &it->value;
  }
  return nullptr;
}

bool Value::is_null_or_undefined() const {
  return std::holds_alternative<Null>(v) || std::holds_alternative<Undefined>(v);
}

}  // namespace liverelay::amf0
