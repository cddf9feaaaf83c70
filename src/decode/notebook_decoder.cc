#include "notebook_decoder.h"

#include <simdjson.h>

#include <cstring>
#include <vector>

#include "base64_decoder.h"
#include "escape_decoder.h"
#include "view_builder.h"

namespace keyward {
namespace {

using Span = std::pair<size_t, size_t>;
namespace od = simdjson::ondemand;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Walks a notebook with simdjson's On Demand API, which hands out the raw tokens inside
// the (padded copy of the) file, so every string is located at its own bytes.
class NotebookWalker {
 public:
  NotebookWalker(std::string_view data, const char* base) : data_(data), base_(base) {}

  void root(od::object obj) {
    for (auto field : obj) {
      std::string_view key = field.unescaped_key();
      if (key == "cells") {
        cells(field.value().get_array());
        seen_cells_ = true;
      } else if (key == "worksheets") {  // nbformat 3
        for (od::value ws : field.value().get_array())
          for (auto f : ws.get_object()) {
            std::string_view k = f.unescaped_key();
            if (k == "cells") {
              cells(f.value().get_array());
              seen_cells_ = true;
            }
          }
      }
    }
  }

  bool seen_cells() const { return seen_cells_; }
  std::vector<CellSpan> out_cells;
  std::vector<Span> out_skip;
  // Texts stored as a list of two or more strings, which nbformat joins: one per source or
  // output text, with whether the strings are lines (traceback) rather than pieces.
  std::vector<std::pair<std::vector<Span>, bool>> out_lists;

 private:
  void cells(od::array arr) {
    for (od::value cell : arr) {
      ++number_;
      if (cell.type() != od::json_type::object) continue;
      for (auto field : cell.get_object()) {
        std::string_view key = field.unescaped_key();
        od::value v = field.value();
        if (key == "source" || key == "input") {
          add_text(v, false);
        } else if (key == "outputs") {
          if (v.type() != od::json_type::array) continue;
          for (od::value o : v.get_array())
            if (o.type() == od::json_type::object) output(o.get_object());
        } else if (key == "attachments") {
          if (v.type() != od::json_type::object) continue;
          in_attachment_ = true;  // what mime_bundle adds is the cell's attachment, not output
          for (auto att : v.get_object()) {
            od::value bundle = att.value();
            if (bundle.type() == od::json_type::object) mime_bundle(bundle.get_object());
          }
          in_attachment_ = false;
        }
      }
    }
  }

  void output(od::object obj) {
    for (auto field : obj) {
      std::string_view key = field.unescaped_key();
      od::value v = field.value();
      if (key == "text" || key == "evalue" || key == "ename") {
        add_text(v, true);
      } else if (key == "traceback") {  // one frame per string, shown joined by newlines
        add_text(v, true, true);
      } else if (key == "data") {
        if (v.type() == od::json_type::object) mime_bundle(v.get_object());
      } else if (key == "png" || key == "jpeg" || key == "gif" || key == "pdf") {  // nbformat 3
        payload(v, true);
      }
    }
  }

  // Every MIME type is scanned (image/svg+xml is text, and so is many a custom
  // application/x-* type) but a payload that is base64 of binary data (PNG, JPEG, ...).
  void mime_bundle(od::object obj) {
    for (auto field : obj) {
      std::string_view mime = field.unescaped_key();
      od::value v = field.value();
      payload(v, is_binary_mime(mime));
    }
  }

  // binary_mime: a type whose payload is base64 (image/png). Under any other type only a
  // long run of base64 of binary data is taken for a payload.
  void payload(od::value& v, bool binary_mime) {
    od::json_type t = v.type();
    if (t == od::json_type::object) {
      // A JSON value (application/vnd.*+json): the raw view scans it; label it as output.
      od::object o = v.get_object();
      std::string_view raw = o.raw_json();
      CellSpan c;
      c.begin = static_cast<size_t>(raw.data() - base_);
      c.end = c.begin + raw.size();
      c.cell = number_;
      c.output = true;
      c.line_starts.push_back(c.begin);
      out_cells.push_back(std::move(c));
      return;
    }
    std::vector<Span> spans = strings(v);
    if (spans.empty()) return;
    bool binary = true;
    size_t min_chars = binary_mime ? 4 : 256;
    for (auto [b, e] : spans) binary = binary && is_base64_binary(data_.substr(b, e - b), min_chars);
    if (binary)
      out_skip.emplace_back(spans.front().first, spans.back().second);
    else
      add_spans(spans, true);
  }

  // The content span (between the quotes) of a string token.
  Span string_span(od::value& v) {
    std::string_view tok = v.raw_json_token();
    size_t b = static_cast<size_t>(tok.data() - base_) + 1;
    // The closing quote is the first one not escaped by an odd run of backslashes.
    for (size_t i = b; i < data_.size();) {
      const void* q = std::memchr(data_.data() + i, '"', data_.size() - i);
      if (!q) break;
      size_t at = static_cast<size_t>(static_cast<const char*>(q) - data_.data());
      size_t bs = 0;
      while (at - bs > b && data_[at - 1 - bs] == '\\') ++bs;
      if (bs % 2 == 0) return {b, at};
      i = at + 1;
    }
    return {b, data_.size()};
  }

  // A string, or a list of strings (Jupyter writes one per line).
  std::vector<Span> strings(od::value& v) {
    std::vector<Span> out;
    od::json_type t = v.type();
    if (t == od::json_type::string) {
      out.push_back(string_span(v));
    } else if (t == od::json_type::array) {
      for (od::value e : v.get_array())
        if (e.type() == od::json_type::string) out.push_back(string_span(e));
    }
    return out;
  }

  void add_text(od::value& v, bool output, bool string_per_line = false) {
    add_spans(strings(v), output, string_per_line);
  }

  void add_spans(const std::vector<Span>& spans, bool output, bool string_per_line = false) {
    if (spans.empty()) return;
    if (spans.size() > 1) out_lists.emplace_back(spans, string_per_line);
    CellSpan c;
    c.begin = spans.front().first;
    c.end = spans.back().second;
    c.cell = number_;
    c.output = output && !in_attachment_;
    c.attachment = in_attachment_;
    // A line starts at the first byte of the text and after every \n escape; with one
    // string per line, that is each string's first byte.
    bool pending = true;
    for (auto [b, e] : spans) {
      if (string_per_line) pending = true;
      for (size_t i = b; i < e;) {
        if (pending) {
          c.line_starts.push_back(i);
          pending = false;
        }
        if (data_[i] == '\\') {
          if (i + 1 < e && data_[i + 1] == 'n') pending = true;
          i += 2;
        } else {
          ++i;
        }
      }
    }
    if (!c.line_starts.empty()) out_cells.push_back(std::move(c));
  }

  std::string_view data_;
  const char* base_;
  int number_ = 0;
  bool seen_cells_ = false;
  bool in_attachment_ = false;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool hex4(std::string_view d, size_t at, size_t end, uint32_t* v) {
  if (at + 4 > end) return false;
  uint32_t x = 0;
  for (size_t k = 0; k < 4; ++k) {
    int h = hex_digit(d[at + k]);
    if (h < 0) return false;
    x = x * 16 + static_cast<uint32_t>(h);
  }
  *v = x;
  return true;
}

// Appends the JSON string content d[b, e) unescaped, each decoded character mapped to the
// escape (or byte) it comes from.
void append_json_string(std::string_view d, size_t b, size_t e, ViewBuilder& out) {
  std::string tmp;
  size_t run = b;
  for (size_t i = b; i < e;) {
    const void* hit = std::memchr(d.data() + i, '\\', e - i);
    if (!hit) break;
    i = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
    out.literal(d.substr(run, i - run), run);
    if (i + 1 >= e) {
      run = i;
      break;
    }
    size_t len = 2;
    tmp.clear();
    switch (d[i + 1]) {
      case 'n': tmp = "\n"; break;
      case 't': tmp = "\t"; break;
      case 'r': tmp = "\r"; break;
      case 'b': tmp = "\b"; break;
      case 'f': tmp = "\f"; break;
      case 'u': {
        uint32_t cp = 0, lo = 0;
        if (!hex4(d, i + 2, e, &cp)) {
          tmp = d.substr(i, 2);
          break;
        }
        len = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= e && d[i + 6] == '\\' && d[i + 7] == 'u' &&
            hex4(d, i + 8, e, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          len = 12;
        }
        append_utf8(tmp, cp);
        break;
      }
      default: tmp = d.substr(i + 1, 1); break;  // \" \\ \/
    }
    out.decoded(tmp, i, i + len);
    i += len;
    run = i;
  }
  out.literal(d.substr(run, e - run), run);
}

}  // namespace

bool is_binary_mime(std::string_view mime) {
  if (mime == "image/svg+xml") return false;  // SVG is XML text
  for (std::string_view p : {"image/", "audio/", "video/", "font/"})
    if (mime.substr(0, p.size()) == p) return true;
  return mime == "application/pdf" || mime == "application/octet-stream" || mime == "application/zip";
}

bool is_notebook_path(std::string_view path) { return ends_with(path, ".ipynb"); }

bool parse_notebook(std::string_view data, BlobFacts& facts) { return parse_notebook(data, facts, 0, nullptr); }

bool parse_notebook(std::string_view data, BlobFacts& facts, size_t budget, View* joined) {
  size_t first = data.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || data[first] != '{') return false;
  try {
    simdjson::padded_string json(data.data(), data.size());
    od::parser parser;
    od::document doc = parser.iterate(json);
    NotebookWalker walker(data, json.data());
    walker.root(doc.get_object());
    if (!walker.seen_cells()) return false;
    for (auto& c : walker.out_cells) facts.cells.push_back(std::move(c));
    for (auto& s : walker.out_skip) facts.skip.push_back(s);
    if (joined && !walker.out_lists.empty()) {
      // nbformat joins a list of strings with no separator: a token split across two of
      // them is one token in the cell. Each text joined, then a newline no token spans.
      ViewBuilder b("notebook-joined");
      for (const auto& [spans, lines] : walker.out_lists) {
        if (b.size() >= budget) break;
        for (auto [sb, se] : spans) {
          append_json_string(data, sb, se, b);
          if (lines) b.separator(se);
        }
        b.separator(spans.back().second);
      }
      if (!b.empty()) b.finish(*joined);
    }
    return true;
  } catch (const simdjson::simdjson_error&) {
    return false;
  }
}

}  // namespace keyward
