#include "notebook_decoder.h"

#include <simdjson.h>

#include <cstring>
#include <vector>

#include "base64_decoder.h"

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

}  // namespace

bool is_binary_mime(std::string_view mime) {
  if (mime == "image/svg+xml") return false;  // SVG is XML text
  for (std::string_view p : {"image/", "audio/", "video/", "font/"})
    if (mime.substr(0, p.size()) == p) return true;
  return mime == "application/pdf" || mime == "application/octet-stream" || mime == "application/zip";
}

bool is_notebook_path(std::string_view path) { return ends_with(path, ".ipynb"); }

bool parse_notebook(std::string_view data, BlobFacts& facts) {
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
    return true;
  } catch (const simdjson::simdjson_error&) {
    return false;
  }
}

}  // namespace keyward
