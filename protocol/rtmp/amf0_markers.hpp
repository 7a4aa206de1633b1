// AMF0 and AMF3 type markers shared by the AMF0 decoder and encoder (AMF0 spec 2.1, AMF3 spec 3.1).
#pragma once

#include <cstdint>

namespace liverelay::amf0::marker {

inline constexpr uint8_t kNumber = 0x00;
inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kString = 0x02;
inline constexpr uint8_t kObject = 0x03;
inline constexpr uint8_t kMovieClip = 0x04;  // reserved, not supported
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kUndefined = 0x06;
inline constexpr uint8_t kReference = 0x07;
inline constexpr uint8_t kEcmaArray = 0x08;
inline constexpr uint8_t kObjectEnd = 0x09;
inline constexpr uint8_t kStrictArray = 0x0A;
inline constexpr uint8_t kDate = 0x0B;
inline constexpr uint8_t kLongString = 0x0C;
inline constexpr uint8_t kUnsupported = 0x0D;
inline constexpr uint8_t kRecordSet = 0x0E;  // reserved, not supported
inline constexpr uint8_t kXmlDocument = 0x0F;
inline constexpr uint8_t kTypedObject = 0x10;
inline constexpr uint8_t kAvmPlusObject = 0x11;  // switch to AMF3 for the next value

// AMF3 spec 3.1: the markers after kAvmPlusObject that map onto AMF0 values.
inline constexpr uint8_t kAmf3Undefined = 0x00;
inline constexpr uint8_t kAmf3Null = 0x01;
inline constexpr uint8_t kAmf3False = 0x02;
inline constexpr uint8_t kAmf3True = 0x03;
inline constexpr uint8_t kAmf3Integer = 0x04;
inline constexpr uint8_t kAmf3Double = 0x05;
inline constexpr uint8_t kAmf3String = 0x06;
inline constexpr uint8_t kAmf3LastKnown = 0x11;  // dictionary; 0x07..0x11 are containers

}  // namespace liverelay::amf0::marker
