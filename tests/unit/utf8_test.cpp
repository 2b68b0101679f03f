// api/utf8: the one UTF-8 check behind names, JSON output and the reply parser. simdjson's
// validator is the oracle over every 1- and 2-byte string and every 3- and 4-byte string
// whose lead byte starts a multi-byte sequence.
#include "base/utf8.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>

using namespace flickrfs;

namespace {

bool well_formed(const std::string& text) {
  return utf8::repair(text) == text;
}

}  // namespace

TEST_CASE("utf8 decodes well-formed sequences with their code points", "[utf8]") {
  const auto [text, code_point] = GENERATE(table<std::string, char32_t>({
      {"A", U'A'},
      {"\xC3\xA9", U'\u00E9'},
      {"\xE2\x9C\x93", U'\u2713'},
      {"\xEF\xBF\xBD", U'\uFFFD'},
      {"\xF0\x9F\x8C\x85", U'\U0001F305'},
      {"\xF4\x8F\xBF\xBF", U'\U0010FFFF'},
  }));
  char32_t decoded = 0;
  CHECK(utf8::decode_at(text, 0, decoded) == text.size());
  CHECK(decoded == code_point);
}

TEST_CASE("utf8 rejects overlongs, surrogates, out-of-range, truncated and stray bytes", "[utf8]") {
  const std::string text = GENERATE(as<std::string>{}, "\x80", "\xBF", "\xC0\x80", "\xC1\xBF",
                                    "\xE0\x80\x80", "\xE0\x9F\xBF", "\xED\xA0\x80", "\xED\xBF\xBF",
                                    "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
                                    "\xF8\x88\x80\x80\x80", "\xFF", "\xE2\x82", "\xC3");
  CHECK(utf8::sequence_length(text, 0) == 0);
  CHECK_FALSE(well_formed(text));
}

TEST_CASE("utf8::repair replaces each ill-formed byte and keeps everything else", "[utf8]") {
  CHECK(utf8::repair("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(utf8::repair("caf\xE9!") == "caf\xEF\xBF\xBD!");  // Latin-1 é
  CHECK(utf8::repair("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(utf8::repair("\xED\xA0\x80x") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx");
  CHECK(utf8::repair("") == "");
}

TEST_CASE("utf8 agrees with simdjson's validator on every short sequence", "[utf8]") {
  std::string first_disagreement;  // hex bytes
  const auto agree = [&](const std::string& text) {
    const bool ours = well_formed(text);
    if (ours == simdjson::validate_utf8(text.data(), text.size())) return true;
    if (first_disagreement.empty()) {
      for (const char byte : text)
        first_disagreement += std::to_string(static_cast<unsigned char>(byte)) + " ";
    }
    return false;
  };
  std::size_t disagreements = 0;
  for (int a = 0; a < 256; ++a) {
    disagreements += !agree(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) {
      const std::string two = {static_cast<char>(a), static_cast<char>(b)};
      disagreements += !agree(two);
      if (a < 0xE0) continue;
      for (int c = 0; c < 256; ++c)
        disagreements += !agree(two + static_cast<char>(c));
      if (a < 0xF0) continue;
      for (int c : {0x80, 0x8F, 0x90, 0xBF, 0xC0})
        for (int d : {0x7F, 0x80, 0xBF, 0xC0})
          disagreements += !agree(two + static_cast<char>(c) + static_cast<char>(d));
    }
  }
  INFO("first disagreement (decimal bytes): " << first_disagreement);
  CHECK(disagreements == 0);
}
