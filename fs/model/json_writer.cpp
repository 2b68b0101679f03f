// See json_writer.hpp.
#include "fs/model/json_writer.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "base/utf8.hpp"

namespace flickrfs::model {

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
      const std::size_t len = utf8::sequence_length(value, i);
      if (len == 0) {
        out += utf8::kReplacement;
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
