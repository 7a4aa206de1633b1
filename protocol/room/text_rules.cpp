// What user text the room accepts: UTF-8 validity, trimming, character limits, control characters.
#include "protocol/room/text_rules.hpp"

#include <cstdint>
#include <optional>

namespace liverelay::room {
namespace {

struct Decoded {
  char32_t code_point;
  size_t length;  // bytes
};

bool is_continuation(uint8_t byte) {
  return (byte & 0xC0) == 0x80;
}

// The code point starting at text[pos], or nullopt if the bytes there are not well-formed.
// Unicode 15 table 3-7: the second byte's range depends on the first, which is what rules out
// overlong forms (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and values over U+10FFFF
// (F4 90..BF); C0, C1 and F5..FF never start a sequence.
std::optional<Decoded> decode_at(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[pos + i]); };
  const uint8_t lead = byte(0);
  if (lead < 0x80) return Decoded{lead, 1};

  size_t length = 0;
  char32_t code_point = 0;
  uint8_t second_min = 0x80;
  uint8_t second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return std::nullopt;
  }
  if (text.size() - pos < length) return std::nullopt;
  if (byte(1) < second_min || byte(1) > second_max) return std::nullopt;
  for (size_t i = 1; i < length; ++i) {
    if (!is_continuation(byte(i))) return std::nullopt;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  return Decoded{code_point, length};
}

// Decodes text that is known to be valid; invalid bytes come out as U+FFFD, one per byte.
Decoded decode_valid_at(std::string_view text, size_t pos) {
  return decode_at(text, pos).value_or(Decoded{U'\uFFFD', 1});
}

std::string hex_code_point(char32_t code_point) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("U+00") + kDigits[(code_point >> 4) & 0xF] + kDigits[code_point & 0xF];
}

// The first control character text may not hold, if any. Bytes suffice: in UTF-8 a byte below
// 0x80 is always a character of its own, never part of a longer sequence.
std::optional<char32_t> first_control(std::string_view utf8, Multiline multiline) {
  for (const char c : utf8) {
    const auto byte = static_cast<uint8_t>(c);
    if (multiline == Multiline::yes && (c == '\n' || c == '\t')) continue;
    if (byte < 0x20 || byte == 0x7F) return byte;
  }
  return std::nullopt;
}

struct TextRules {
  std::string_view what;  // "text", "name"
  size_t max_chars;
  Multiline multiline;
};

Result<std::string> validate(std::string_view input, const TextRules& rules) {
  const std::string what(rules.what);
  if (!is_valid_utf8(input)) return fail(Errc::malformed, what + " is not valid UTF-8");
  const std::string_view trimmed = trim_spaces(input);
  if (trimmed.empty()) return fail(Errc::malformed, what + " is empty");
  const size_t chars = count_chars(trimmed);
  if (chars > rules.max_chars) {
    return fail(Errc::over_limit, what + " is " + std::to_string(chars) + " characters, over the limit of " +
                                      std::to_string(rules.max_chars));
  }
  if (const auto control = first_control(trimmed, rules.multiline)) {
    return fail(Errc::malformed, what + " holds a control character (" + hex_code_point(*control) + ")");
  }
  return std::string(trimmed);
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const auto decoded = decode_at(text, pos);
    if (!decoded) return false;
    pos += decoded->length;
  }
  return true;
}

size_t count_chars(std::string_view utf8) {
  size_t count = 0;
  for (const char c : utf8) {
    if (!is_continuation(static_cast<uint8_t>(c))) ++count;
  }
  return count;
}

bool is_trimmed_space(char32_t code_point) {
  switch (code_point) {
    case U' ':
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case 0x0085:  // next line
    case 0x00A0:  // no-break space
    case 0x1680:  // ogham space mark
    case 0x2028:  // line separator
    case 0x2029:  // paragraph separator
    case 0x202F:  // narrow no-break space
    case 0x205F:  // medium mathematical space
    case 0x3000:  // ideographic space
    case 0xFEFF:  // zero width no-break space, the byte order mark
      return true;
    default:
      return code_point >= 0x2000 && code_point <= 0x200A;  // en quad .. hair space
  }
}

std::string_view trim_spaces(std::string_view utf8) {
  size_t begin = utf8.size();
  size_t end = 0;
  for (size_t pos = 0; pos < utf8.size();) {
    const Decoded decoded = decode_valid_at(utf8, pos);
    if (!is_trimmed_space(decoded.code_point)) {
      if (begin == utf8.size()) begin = pos;
      end = pos + decoded.length;
    }
    pos += decoded.length;
  }
  if (begin == utf8.size()) return utf8.substr(utf8.size());
  return utf8.substr(begin, end - begin);
}

bool has_control_chars(std::string_view utf8, Multiline multiline) {
  return first_control(utf8, multiline).has_value();
}

Result<std::string> validate_comment_text(std::string_view text) {
  return validate(text, TextRules{"text", kMaxCommentChars, Multiline::yes});
}

Result<std::string> validate_display_name(std::string_view name) {
  return validate(name, TextRules{"name", kMaxNameChars, Multiline::no});
}

}  // namespace liverelay::room
