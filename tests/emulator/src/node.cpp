// JSON and XML renderings of the response tree (see node.hpp).
#include "node.hpp"

#include <cstdint>
#include <cstdio>

namespace flickrfs::emulator {

Scalar num_text(std::string digits) {
  return Scalar{Scalar::Kind::Number, std::move(digits)};
}

namespace {

void append_u_escape(std::string& out, unsigned unit) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", unit & 0xffffu);
  out += buf;
}

// Decodes one UTF-8 sequence at s[i]; invalid bytes come back as U+FFFD.
std::uint32_t next_code_point(const std::string& s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  int extra = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) {
    cp = c;
  } else if ((c & 0xe0) == 0xc0) {
    extra = 1;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    extra = 2;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    extra = 3;
    cp = c & 0x07;
  } else {
    ++i;
    return 0xfffd;
  }
  if (i + static_cast<std::size_t>(extra) >= s.size()) {
    ++i;
    return 0xfffd;
  }
  for (int k = 1; k <= extra; ++k) {
    const unsigned char cont = byte(i + static_cast<std::size_t>(k));
    if ((cont & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    cp = (cp << 6) | (cont & 0x3f);
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

void render_scalar_json(std::string& out, const Scalar& v) {
  if (v.kind == Scalar::Kind::Null) {
    out += "null";
  } else if (v.kind == Scalar::Kind::Number) {
    out += v.text;
  } else {
    out += '"';
    out += json_escape(v.text, true);
    out += '"';
  }
}

void render_node_json(std::string& out, const Node& node);

void render_members_json(std::string& out, const Node& node, bool& first) {
  const auto comma = [&] {
    if (!first) out += ',';
    first = false;
  };
  for (const auto& [key, value] : node.attrs) {
    comma();
    out += '"' + json_escape(key) + "\":";
    render_scalar_json(out, value);
  }
  if (node.content) {
    comma();
    out += "\"_content\":\"" + json_escape(*node.content, true) + '"';
  }
  for (const auto& kid : node.kids) {
    comma();
    if (const auto* single = std::get_if<Node>(&kid)) {
      out += '"' + json_escape(single->name) + "\":";
      render_node_json(out, *single);
    } else {
      const auto& list = std::get<NodeList>(kid);
      out += '"' + json_escape(list.name) + "\":[";
      for (std::size_t i = 0; i < list.items.size(); ++i) {
        if (i > 0) out += ',';
        render_node_json(out, list.items[i]);
      }
      out += ']';
    }
  }
}

void render_node_json(std::string& out, const Node& node) {
  out += '{';
  bool first = true;
  render_members_json(out, node, first);
  out += '}';
}

// XML 1.0 forbids most C0 controls even as character references: Flickr's XML cannot carry
// them either, so they are dropped here (documented in README).
std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "&#10;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void render_node_xml(std::string& out, const Node& node, int depth) {
  out.append(static_cast<std::size_t>(depth), '\t');
  out += '<' + node.name;
  for (const auto& [key, value] : node.attrs) {
    if (value.kind == Scalar::Kind::Null) continue;
    out += ' ' + key + "=\"" + xml_escape(value.text) + '"';
  }
  if (!node.content && node.kids.empty()) {
    out += " />\n";
    return;
  }
  out += '>';
  if (node.content) out += xml_escape(*node.content);
  if (!node.kids.empty()) {
    out += '\n';
    for (const auto& kid : node.kids) {
      if (const auto* single = std::get_if<Node>(&kid)) {
        render_node_xml(out, *single, depth + 1);
      } else {
        for (const auto& item : std::get<NodeList>(kid).items)
          render_node_xml(out, item, depth + 1);
      }
    }
    out.append(static_cast<std::size_t>(depth), '\t');
  }
  out += "</" + node.name + ">\n";
}

}  // namespace

std::string json_escape(const std::string& utf8, bool raw_invalid) {
  std::string out;
  out.reserve(utf8.size() + 8);
  std::size_t i = 0;
  while (i < utf8.size()) {
    const std::size_t start = i;
    const std::uint32_t cp = next_code_point(utf8, i);
    if (raw_invalid && cp == 0xfffd && utf8.compare(start, i - start, "\xEF\xBF\xBD") != 0) {
      out.append(utf8, start, i - start);  // an invalid byte, as it came
    } else if (cp == '"') {
      out += "\\\"";
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '/') {
      out += "\\/";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || (cp >= 0x7f && cp < 0x10000)) {
      append_u_escape(out, cp);
    } else if (cp >= 0x10000) {
      const std::uint32_t v = cp - 0x10000;
      append_u_escape(out, 0xd800 + (v >> 10));
      append_u_escape(out, 0xdc00 + (v & 0x3ff));
    } else {
      out += static_cast<char>(cp);
    }
  }
  return out;
}

std::string render_json_ok(const Node& root) {
  std::string out = "{";
  bool first = true;
  render_members_json(out, root, first);
  if (!first) out += ',';
  out += "\"stat\":\"ok\"}";
  return out;
}

std::string render_xml_ok(const Node& root) {
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rsp stat=\"ok\">\n";
  for (const auto& kid : root.kids) {
    if (const auto* single = std::get_if<Node>(&kid)) {
      render_node_xml(out, *single, 0);
    } else {
      for (const auto& item : std::get<NodeList>(kid).items)
        render_node_xml(out, item, 0);
    }
  }
  out += "</rsp>\n";
  return out;
}

std::string render_json_fail(int code, const std::string& message) {
  return "{\"stat\":\"fail\",\"code\":" + std::to_string(code) + ",\"message\":\"" +
         json_escape(message) + "\"}";
}

std::string render_xml_fail(int code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rsp stat=\"fail\">\n\t<err code=\"" +
         std::to_string(code) + "\" msg=\"" + xml_escape(message) + "\" />\n</rsp>\n";
}

}  // namespace flickrfs::emulator
