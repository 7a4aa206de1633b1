// Unit tests for the room's text rules: UTF-8 validity, trimming, limits, control characters.
#include "protocol/room/text_rules.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

using namespace liverelay;
using namespace liverelay::room;

namespace {

std::string repeat(std::string_view piece, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

}  // namespace

TEST_CASE("well-formed UTF-8 of every length is valid, up to U+10FFFF", "[room]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII"));
  CHECK(is_valid_utf8("\xC2\x80"));          // U+0080, smallest 2-byte
  CHECK(is_valid_utf8("\xC3\xA9"));          // é
  CHECK(is_valid_utf8("\xDF\xBF"));          // U+07FF
  CHECK(is_valid_utf8("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  CHECK(is_valid_utf8("\xE2\x82\xAC"));      // €
  CHECK(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
  CHECK(is_valid_utf8("\xEF\xBF\xBF"));      // U+FFFF
  CHECK(is_valid_utf8("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));  // 😀
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  CHECK(is_valid_utf8(std::string_view("a\0b", 3)));
}

TEST_CASE("overlong forms are not valid UTF-8", "[room]") {
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // '/' in two bytes
  CHECK_FALSE(is_valid_utf8("\xC1\xBF"));          // U+007F in two bytes
  CHECK_FALSE(is_valid_utf8("\xC0\x80"));          // NUL in two bytes (modified UTF-8)
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
  CHECK_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  CHECK_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST_CASE("surrogates and code points above U+10FFFF are not valid UTF-8", "[room]") {
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));              // U+D800
  CHECK_FALSE(is_valid_utf8("\xED\xBF\xBF"));              // U+DFFF
  CHECK_FALSE(is_valid_utf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair for U+1F600
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));          // U+110000
  CHECK_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));  // old 5-byte form
  CHECK_FALSE(is_valid_utf8("\xFE"));
  CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("truncated sequences and stray continuation bytes are not valid UTF-8", "[room]") {
  CHECK_FALSE(is_valid_utf8("\xC3"));
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));
  CHECK_FALSE(is_valid_utf8("\xF0\x9F\x98"));
  CHECK_FALSE(is_valid_utf8("ok \xF0\x9F\x98"));  // cut at the end of otherwise good text
  CHECK_FALSE(is_valid_utf8("\xC3("));            // lead byte followed by ASCII
  CHECK_FALSE(is_valid_utf8("\xE2\x28\xA1"));
  CHECK_FALSE(is_valid_utf8("\x80"));
  CHECK_FALSE(is_valid_utf8("a\xBF"));
}

TEST_CASE("characters are counted as code points, not bytes", "[room]") {
  CHECK(count_chars("") == 0);
  CHECK(count_chars("Ana") == 3);
  CHECK(count_chars("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80") == 4);  // a é € 😀: 10 bytes
}

TEST_CASE("trimming removes ASCII and Unicode spaces at both ends and keeps inner ones", "[room]") {
  CHECK(trim_spaces("  \t\r\n\v\fhi \n") == "hi");
  CHECK(trim_spaces("\xC2\xA0hi\xC2\xA0") == "hi");          // U+00A0
  CHECK(trim_spaces("\xE3\x80\x80hi\xE3\x80\x80") == "hi");  // U+3000
  CHECK(trim_spaces("\xEF\xBB\xBFhi\xE2\x80\xA8") == "hi");  // BOM before, U+2028 after
  CHECK(trim_spaces("a\xC2\xA0 b") == "a\xC2\xA0 b");
  CHECK(trim_spaces(" \xC2\xA0 \xE3\x80\x80 ") == "");
  CHECK(trim_spaces("") == "");
  CHECK(trim_spaces("\xC3\xA9") == "\xC3\xA9");

  const char* const unicode_spaces[] = {
      "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81",
      "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86",
      "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8",
      "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80", "\xEF\xBB\xBF",
  };
  for (const char* space : unicode_spaces) {
    INFO("space bytes " << std::string(space).size());
    CHECK(trim_spaces(std::string(space) + "x" + space) == "x");
  }
  // Look-alikes that are not spaces stay: U+200B zero width space, U+2060 word joiner.
  CHECK(trim_spaces("\xE2\x80\x8Bx") == "\xE2\x80\x8Bx");
  CHECK(trim_spaces("x\xE2\x81\xA0") == "x\xE2\x81\xA0");
}

TEST_CASE("control characters are refused except newline and tab in multiline text", "[room]") {
  CHECK_FALSE(has_control_chars("two\nlines\tand a tab", Multiline::yes));
  CHECK(has_control_chars("two\nlines", Multiline::no));
  CHECK(has_control_chars("a\tb", Multiline::no));
  CHECK(has_control_chars("bell\x07", Multiline::yes));
  CHECK(has_control_chars("cr\r\n", Multiline::yes));
  CHECK(has_control_chars("del\x7F", Multiline::yes));
  CHECK(has_control_chars("esc\x1B[2J", Multiline::yes));
  CHECK(has_control_chars(std::string_view("nul\0", 4), Multiline::yes));
  CHECK_FALSE(has_control_chars("\xC3\xA9\xF0\x9F\x98\x80", Multiline::no));
}

TEST_CASE("a comment is trimmed and kept as written, markup included", "[room]") {
  CHECK(validate_comment_text("  hello \xE3\x80\x80") == "hello");
  CHECK(validate_comment_text("<img src=x onerror=alert(1)>") == "<img src=x onerror=alert(1)>");
  CHECK(validate_comment_text("line one\nline two\tend") == "line one\nline two\tend");
  CHECK(validate_comment_text("&amp; \"quotes\" 'single' </script>") ==
        "&amp; \"quotes\" 'single' </script>");
}

TEST_CASE("a comment may hold 500 characters however many bytes they take, not 501", "[room]") {
  const std::string e_acute = "\xC3\xA9";
  const std::string emoji = "\xF0\x9F\x98\x80";

  CHECK(validate_comment_text(repeat(e_acute, 500)) == repeat(e_acute, 500));
  CHECK(validate_comment_text(repeat(emoji, 500)).has_value());  // 2,000 bytes

  const auto too_long = validate_comment_text(repeat(e_acute, 501));
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code == Errc::over_limit);
  CHECK(too_long.error().message == "text is 501 characters, over the limit of 500");

  CHECK_FALSE(validate_comment_text(repeat(emoji, 499) + "ab"));
  // Spaces around do not count: they are trimmed before counting.
  CHECK(validate_comment_text("  " + repeat(emoji, 500) + "\xE3\x80\x80\n").has_value());
}

TEST_CASE("a comment that is empty, not UTF-8 or holds control characters is refused", "[room]") {
  const auto empty = validate_comment_text("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == Errc::malformed);
  CHECK(empty.error().message == "text is empty");

  const auto blank = validate_comment_text(" \n\t\xC2\xA0\xEF\xBB\xBF ");
  REQUIRE_FALSE(blank);
  CHECK(blank.error().message == "text is empty");

  const auto overlong = validate_comment_text("a\xC0\xAF");
  REQUIRE_FALSE(overlong);
  CHECK(overlong.error().message == "text is not valid UTF-8");
  CHECK_FALSE(validate_comment_text("\xED\xA0\x80"));
  CHECK_FALSE(validate_comment_text("cut \xF0\x9F\x98"));

  const auto bell = validate_comment_text("ding\x07");
  REQUIRE_FALSE(bell);
  CHECK(bell.error().message == "text holds a control character (U+0007)");
  const auto del = validate_comment_text("x\x7Fy");
  REQUIRE_FALSE(del);
  CHECK(del.error().message == "text holds a control character (U+007F)");
  CHECK_FALSE(validate_comment_text("a\rb"));
  CHECK_FALSE(validate_comment_text(std::string_view("a\0b", 3)));
}

TEST_CASE("a display name is trimmed, 1 to 32 characters, on one line", "[room]") {
  CHECK(validate_display_name("  Ana  ") == "Ana");
  CHECK(validate_display_name("Jos\xC3\xA9 \xF0\x9F\x98\x80") == "Jos\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(validate_display_name(repeat("\xC3\xA9", 32)) == repeat("\xC3\xA9", 32));

  const auto too_long = validate_display_name(repeat("\xC3\xA9", 33));
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code == Errc::over_limit);
  CHECK(too_long.error().message == "name is 33 characters, over the limit of 32");

  const auto empty = validate_display_name("\xE2\x80\x83");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().message == "name is empty");

  const auto newline = validate_display_name("Ana\nAdmin");
  REQUIRE_FALSE(newline);
  CHECK(newline.error().message == "name holds a control character (U+000A)");
  CHECK_FALSE(validate_display_name("Ana\tB"));
  CHECK_FALSE(validate_display_name("\xC0\xAF"));
}
