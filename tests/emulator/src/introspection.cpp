// /_emulator/*: stats, reset-stats, manifest (every live photo with the byte size and
// sha256 of each size it serves, then albums, collections and favorites) and mutate. These
// endpoints never fault and are never delayed or rate limited.
#include <simdjson.h>

#include <algorithm>

#include "node.hpp"
#include "server.hpp"
#include "sizes.hpp"

namespace flickrfs::emulator {

namespace {

std::string quoted(const std::string& s) {
  return "\"" + json_escape(s) + "\"";
}

std::string id_array(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (const auto& id : ids)
    out += (out.size() > 1 ? "," : "") + quoted(id);
  return out + "]";
}

std::string collections_json(const std::vector<CollectionDef>& defs) {
  std::string out = "[";
  for (const auto& def : defs) {
    out += (out.size() > 1 ? "," : "") + std::string("{\"id\":") + quoted(def.id) +
           ",\"title\":" + quoted(def.title) + ",\"sets\":" + id_array(def.set_ids) +
           ",\"collections\":" + collections_json(def.children) + "}";
  }
  return out + "]";
}

// What getExif answers for the photo: hidden, or the camera and tags.
std::string exif_json(const Photo& p) {
  const ExifData data = exif_of(p);
  std::string out = "{\"hidden\":" + std::string(p.exif_hidden ? "true" : "false") +
                    ",\"camera\":" + quoted(data.camera) + ",\"tags\":[";
  bool first = true;
  for (const auto& t : data.tags) {
    out += std::string(first ? "" : ",") + "{\"tagspace\":" + quoted(t.tagspace) +
           ",\"tagspaceid\":" + std::to_string(t.tagspaceid) + ",\"tag\":" + quoted(t.tag) +
           ",\"label\":" + quoted(t.label) + ",\"raw\":" + quoted(t.raw) +
           ",\"clean\":" + quoted(t.clean) + "}";
    first = false;
  }
  return out + "]}";
}

std::string manifest_photo(ServerState& state, const Photo& p) {
  std::string out =
      "{\"id\":" + quoted(p.id) + ",\"title\":" + quoted(p.title) +
      ",\"media\":" + quoted(p.is_video ? "video" : "photo") +
      ",\"is_public\":" + std::to_string(p.is_public ? 1 : 0) +
      ",\"date_taken\":" + quoted(mysql_datetime(p.date_taken)) +
      ",\"date_taken_granularity\":" + std::to_string(p.taken_granularity) +
      ",\"date_taken_unknown\":" + (p.taken_unknown ? "true" : "false") +
      ",\"tags\":" + id_array(p.tags) + ",\"machine_tags\":" + id_array(p.machine_tags) +
      ",\"date_upload\":" + std::to_string(p.date_upload) +
      ",\"last_update\":" + std::to_string(p.last_update) +
      ",\"original_allowed\":" + (p.original_allowed ? "true" : "false") +
      ",\"original_format\":" + quoted(p.original_format) + ",\"secret\":" + quoted(p.secret) +
      ",\"sets\":" + id_array(state.world.albums_of(p.index)) +
      ",\"count_comments\":" + std::to_string(p.comments.size()) + ",\"exif\":" + exif_json(p) +
      ",\"sizes\":[";
  bool first = true;
  for (const auto& s : sizes_for(p)) {
    const Digest d = state.images.digest(p, s);
    out += std::string(first ? "" : ",") + "{\"label\":" + quoted(s.label) +
           ",\"suffix\":" + quoted(s.suffix) + ",\"media\":" + quoted(s.video ? "video" : "photo") +
           ",\"width\":" + std::to_string(s.width) + ",\"height\":" + std::to_string(s.height) +
           ",\"url\":" + quoted(state.base_url + s.path) + ",\"bytes\":" + std::to_string(d.size) +
           ",\"sha256\":" + quoted(d.sha256) + "}";
    first = false;
  }
  return out + "]}";
}

void manifest(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  std::uint64_t offset = 0;
  std::uint64_t limit = UINT64_MAX;
  if ((req.has_param("offset") && !parse_uint(req.get_param_value("offset"), &offset)) ||
      (req.has_param("limit") && !parse_uint(req.get_param_value("limit"), &limit))) {
    res.status = 400;
    res.set_content("{\"error\":\"offset and limit must be non-negative integers\"}",
                    "application/json");
    return;
  }
  const auto live = state.world.live(false);
  std::string out = "{\"user\":{\"nsid\":" + quoted(kUserNsid) +
                    ",\"username\":" + quoted(kUsername) +
                    "},\"total\":" + std::to_string(live->size()) +
                    ",\"offset\":" + std::to_string(offset) + ",\"photos\":[";
  const std::uint64_t end =
      std::min<std::uint64_t>(live->size(), offset + std::min(limit, UINT64_MAX - offset));
  for (std::uint64_t k = offset; k < end; ++k) {
    out += (k == offset ? "" : ",") + manifest_photo(state, state.world.photo((*live)[k]));
  }
  out += "]";
  if (offset == 0) {  // albums once, with the first page
    out += ",\"sets\":[";
    bool first = true;
    for (const auto& a : state.world.albums()) {
      std::vector<std::string> ids;
      for (auto i : a.members)
        ids.push_back(photo_id_for(i));
      out += std::string(first ? "" : ",") + "{\"id\":" + quoted(a.id) +
             ",\"title\":" + quoted(a.title) + ",\"photo_ids\":" + id_array(ids) + "}";
      first = false;
    }
    out += "],\"collections\":" + collections_json(state.world.collections());
    // Favorites, newest faved first; "listed": false for the ones favorites.getList leaves
    // out because their owner made them private.
    out += ",\"favorites\":[";
    first = true;
    for (const auto& p : state.world.favorites()) {
      std::string photo = manifest_photo(state, p);
      photo.pop_back();  // its closing brace
      out += std::string(first ? "" : ",") + photo + ",\"owner\":" + quoted(p.owner) +
             ",\"ownername\":" + quoted(p.owner_name) +
             ",\"date_faved\":" + std::to_string(p.date_faved) +
             ",\"listed\":" + (p.owner_private ? "false" : "true") + "}";
      first = false;
    }
    out += "]";
  }
  res.set_content(out + "}", "application/json");
}

std::string field(simdjson::dom::element doc, const char* key) {
  std::string_view v;
  if (doc[key].get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

// `key` as text, or the raw bytes of `key`_b64 (base64): titles and descriptions that are
// not UTF-8, as Flickr has served them. nullopt when neither is given (or bad base64).
std::optional<std::string> text_field(simdjson::dom::element doc, const std::string& key,
                                      std::string* error) {
  std::string_view v;
  if (doc[key + "_b64"].get(v) == simdjson::SUCCESS) {
    std::string raw;
    if (base64_decode(v, &raw)) return raw;
    *error = key + "_b64 is not base64";
    return std::nullopt;
  }
  if (doc[key].get(v) == simdjson::SUCCESS) return std::string(v);
  return std::nullopt;
}

std::string mutate_json(ServerState& state, simdjson::dom::element doc, std::string* error) {
  World& w = state.world;
  const std::string op = field(doc, "op");
  const std::string id = field(doc, "id");
  const std::string set_id = field(doc, "set_id");
  std::vector<std::string> ids;
  const auto title = text_field(doc, "title", error);
  const auto description = text_field(doc, "description", error);
  if (!error->empty()) return "";
  if (op == "add") {
    std::int64_t count = 1;
    if (doc["count"].get(count) != simdjson::SUCCESS) count = 1;
    ids = w.add_photos(static_cast<int>(std::clamp<std::int64_t>(count, 1, 100000)),
                       title.value_or(""), description);
  } else if (op == "delete" || op == "retitle" || op == "replace") {
    const bool ok = op == "delete"    ? w.delete_photo(id, error)
                    : op == "retitle" ? w.retitle(id, title.value_or(""), description, error)
                                      : w.replace(id, error);
    if (ok) ids.push_back(id);
  } else if (op == "add_comment") {
    const std::string comment = w.add_comment(id, field(doc, "text"), error);
    if (!comment.empty())
      return "{\"ok\":true,\"ids\":[" + quoted(id) + "],\"comment_id\":" + quoted(comment) + "}";
  } else if (op == "set_add" || op == "set_remove") {
    const bool ok =
        op == "set_add" ? w.set_add(set_id, id, error) : w.set_remove(set_id, id, error);
    if (ok) ids = {set_id, id};
  } else if (op == "set_create") {
    std::vector<std::string> members;
    simdjson::dom::array list;
    if (doc["ids"].get(list) == simdjson::SUCCESS) {
      for (auto item : list) {
        std::string_view v;
        if (item.get(v) == simdjson::SUCCESS) members.emplace_back(v);
      }
    }
    const std::string created = w.set_create(field(doc, "title"), members, error);
    if (!created.empty()) ids.push_back(created);
  } else {
    *error = "unknown op '" + op +
             "' (add, delete, retitle, replace, add_comment, set_add, "
             "set_remove, set_create)";
  }
  if (ids.empty()) return "";
  return "{\"ok\":true,\"ids\":" + id_array(ids) + "}";
}

void mutate(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string error;
  std::string reply;
  if (parser.parse(simdjson::padded_string(req.body)).get(doc) != simdjson::SUCCESS) {
    error = "body is not JSON";
  } else {
    reply = mutate_json(state, doc, &error);
  }
  if (reply.empty()) {
    res.status = 400;
    res.set_content("{\"ok\":false,\"error\":" + quoted(error.empty() ? "refused" : error) + "}",
                    "application/json");
    return;
  }
  res.set_content(reply, "application/json");
}

// {"rate": 0.5, "kinds": ["http503", "stat_fail_105"]}: kinds absent = every kind.
void set_faults(ServerState& state, const httplib::Request& req, httplib::Response& res) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  double rate = 0;
  std::string error;
  FaultKinds kinds = kAllFaultKinds;
  if (parser.parse(simdjson::padded_string(req.body)).get(doc) != simdjson::SUCCESS) {
    error = "body is not JSON";
  } else if (doc["rate"].get(rate) != simdjson::SUCCESS || rate < 0 || rate > 1) {
    error = "rate must be a number in [0, 1]";
  } else {
    simdjson::dom::array list;
    if (doc["kinds"].get(list) == simdjson::SUCCESS) {
      std::string names;
      for (auto item : list) {
        std::string_view v;
        if (item.get(v) == simdjson::SUCCESS) names += (names.empty() ? "" : ",") + std::string(v);
      }
      if (!parse_fault_kinds(names, &kinds, &error)) kinds = 0;
    }
  }
  if (!error.empty()) {
    res.status = 400;
    res.set_content("{\"ok\":false,\"error\":\"" + json_escape(error) + "\"}", "application/json");
    return;
  }
  state.faults.configure(rate, kinds);
  res.set_content("{\"ok\":true}", "application/json");
}

}  // namespace

void install_introspection_routes(httplib::Server& server, ServerState& state) {
  server.Get("/_emulator/stats", [&state](const httplib::Request&, httplib::Response& res) {
    res.set_content(state.stats.to_json(), "application/json");
  });
  server.Post("/_emulator/reset-stats", [&state](const httplib::Request&, httplib::Response& res) {
    state.stats.reset();
    res.set_content("{\"ok\":true}", "application/json");
  });
  server.Get("/_emulator/manifest", [&state](const httplib::Request& req, httplib::Response& res) {
    manifest(state, req, res);
  });
  server.Post("/_emulator/mutate", [&state](const httplib::Request& req, httplib::Response& res) {
    mutate(state, req, res);
  });
  server.Post("/_emulator/faults", [&state](const httplib::Request& req, httplib::Response& res) {
    set_faults(state, req, res);
  });
}

}  // namespace flickrfs::emulator
