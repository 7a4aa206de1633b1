// What user text the room accepts: UTF-8 validity, trimming, character limits, control characters.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/core/error.hpp"

namespace liverelay::room {

// Limits count characters (Unicode code points), not bytes: 500 emoji are 500 characters.
inline constexpr size_t kMaxCommentChars = 500;
inline constexpr size_t kMaxNameChars = 32;

// Well-formed UTF-8 as in RFC 3629 section 4 (Unicode 15, table 3-7): no overlong forms, no
// surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
bool is_valid_utf8(std::string_view text);

// Code points in text, which must be valid UTF-8 (continuation bytes are not counted).
size_t count_chars(std::string_view utf8);

// True for the characters trimmed from both ends: ASCII whitespace (space, \t, \n, \v, \f, \r),
// U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
bool is_trimmed_space(char32_t code_point);

// text without leading and trailing spaces (see is_trimmed_space); text must be valid UTF-8.
std::string_view trim_spaces(std::string_view utf8);

enum class Multiline : bool { no, yes };

// True if text holds a C0 control character or DEL (U+007F). With Multiline::yes, \n and \t are
// allowed. text must be valid UTF-8; C1 controls are not refused.
bool has_control_chars(std::string_view utf8, Multiline multiline);

// A comment as it will be stored and sent: valid UTF-8, trimmed, 1..kMaxCommentChars characters,
// no control characters but \n and \t.
Result<std::string> validate_comment_text(std::string_view text);

// A display name: valid UTF-8, trimmed, 1..kMaxNameChars characters, no control characters at
// all (a name stays on one line).
Result<std::string> validate_display_name(std::string_view name);

}  // namespace liverelay::room
