// See json_writer.hpp.
#include "fs/model/json_writer.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace flickrfs::model {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char b0 = b(0);
  std::size_t len = 0;
  std::uint32_t cp = 0, min = 0;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1Fu, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0Fu, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

void append_json_string(std::string& out, std::string_view value) {
  out += '"';
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\n') {
      out += "\\n", ++i;
    } else if (c == '\t') {
      out += "\\t", ++i;
    } else if (c == '\r') {
      out += "\\r", ++i;
    } else if (c < 0x20 || c == 0x7F) {
      std::array<char, 8> buf{};
      std::snprintf(buf.data(), buf.size(), "\\u%04x", c);
      out += buf.data();
      ++i;
    } else {
      const std::size_t len = utf8_length(value, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(value.substr(i, len));
        i += len;
      }
    }
  }
  out += '"';
}

void JsonWriter::newline_indent() {
  m_out += '\n';
  m_out.append(m_levels.size() * 2, ' ');
}

void JsonWriter::before_value() {
  if (m_after_key) {
    m_after_key = false;
    return;
  }
  if (m_levels.empty()) return;
  if (!m_levels.back().empty) m_out += ',';
  m_levels.back().empty = false;
  newline_indent();
}

void JsonWriter::begin_object() {
  before_value();
  m_out += '{';
  m_levels.push_back({true, true});
}

void JsonWriter::begin_array() {
  before_value();
  m_out += '[';
  m_levels.push_back({false, true});
}

void JsonWriter::end_object() {
  const bool was_empty = m_levels.back().empty;
  m_levels.pop_back();
  if (!was_empty) newline_indent();
  m_out += '}';
}

void JsonWriter::end_array() {
  end_object();
  m_out.back() = ']';
}

void JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(m_out, name);
  m_out += ": ";
  m_after_key = true;
}

void JsonWriter::string(std::string_view value) {
  before_value();
  append_json_string(m_out, value);
}

void JsonWriter::integer(std::int64_t value) {
  before_value();
  m_out += std::to_string(value);
}

void JsonWriter::decimal(double value, int digits) {
  before_value();
  if (!std::isfinite(value)) {
    m_out += "null";
    return;
  }
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", digits, value);
  m_out += buf.data();
}

void JsonWriter::boolean(bool value) {
  before_value();
  m_out += value ? "true" : "false";
}

void JsonWriter::null() {
  before_value();
  m_out += "null";
}

std::string JsonWriter::finish() {
  m_out += '\n';
  return std::move(m_out);
}

}  // namespace flickrfs::model
