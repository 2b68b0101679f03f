#pragma once
// The response tree: one world model, two renderings. A Node is a Flickr XML element
// (attributes, optional text, children); to_json() applies Flickr's documented XML->JSON
// mapping (attributes -> members, text -> "_content", repeated elements -> arrays, <rsp>
// dropped and stat added), and to_xml() writes the <rsp> document. Scalars remember whether
// Flickr sends them as JSON numbers or strings, so the string-or-number quirks live here.
//
// Thread contract: plain values; no shared state.

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace flickrfs::emulator {

struct Scalar {
  enum class Kind { String, Number, Null };
  Kind kind = Kind::String;
  std::string text;
};
inline Scalar str(std::string s) {
  return Scalar{Scalar::Kind::String, std::move(s)};
}
inline Scalar num(long long v) {
  return Scalar{Scalar::Kind::Number, std::to_string(v)};
}
Scalar num_text(std::string digits);  // a number already formatted (e.g. "45.807258")
inline Scalar null_value() {
  return Scalar{Scalar::Kind::Null, ""};
}

struct Node;
struct NodeList {  // a repeated element: always a JSON array, even with 0 or 1 items
  std::string name;
  std::vector<Node> items;
};

struct Node {
  std::string name;
  std::vector<std::pair<std::string, Scalar>> attrs;
  std::optional<std::string> content;  // text node -> "_content"
  std::vector<std::variant<Node, NodeList>> kids;

  explicit Node(std::string n) : name(std::move(n)) {}
  Node& attr(std::string key, Scalar value) {
    attrs.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  Node& text(std::string value) {
    content = std::move(value);
    return *this;
  }
  Node& child(Node node) {
    kids.emplace_back(std::move(node));
    return *this;
  }
  NodeList& list(std::string list_name) {
    kids.emplace_back(NodeList{std::move(list_name), {}});
    return std::get<NodeList>(kids.back());
  }
};

// A text-only element: <title>x</title> / "title":{"_content":"x"}.
inline Node text_node(std::string name, std::string value) {
  Node n(std::move(name));
  n.text(std::move(value));
  return n;
}

// JSON escaping as Flickr does it: '/' -> "\/", non-ASCII -> \uXXXX (surrogate pairs).
// Bytes that are not UTF-8 become U+FFFD, or with `raw_invalid` pass through unchanged, as
// Flickr has served them in titles and descriptions (the REST replies do; introspection
// stays valid JSON).
std::string json_escape(const std::string& utf8, bool raw_invalid = false);

// The root's attrs and kids become top-level members next to "stat":"ok".
std::string render_json_ok(const Node& root);
std::string render_xml_ok(const Node& root);
std::string render_json_fail(int code, const std::string& message);
std::string render_xml_fail(int code, const std::string& message);

}  // namespace flickrfs::emulator
