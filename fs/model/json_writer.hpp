#pragma once
// A tiny deterministic, pretty JSON writer (two-space indent, keys in call order, "\n" at
// the end). Strings are written as valid UTF-8: invalid bytes become U+FFFD, control
// characters are \u-escaped. Numbers are integers or fixed-precision decimals, so the same
// input always gives the same bytes (info.json sizes must be exact and stable).
//
// Thread contract: one writer per thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flickrfs::model {

class JsonWriter {
 public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // Inside an object every value is preceded by key().
  void key(std::string_view name);
  void string(std::string_view value);
  void integer(std::int64_t value);
  void decimal(double value, int digits);
  void boolean(bool value);
  void null();

  // The document, with a final newline.
  [[nodiscard]] std::string finish();

 private:
  void before_value();
  void newline_indent();

  struct Level {
    bool is_object = false;
    bool empty = true;
  };
  std::string m_out;
  std::vector<Level> m_levels;
  bool m_after_key = false;
};

// Appends `value` as a JSON string literal (with quotes) to `out`.
void append_json_string(std::string& out, std::string_view value);

}  // namespace flickrfs::model
