#include "notebook_decoder.h"

#include <cstring>
#include <vector>

#include "codepoints.h"
#include "base64_decoder.h"
#include "json_cursor.h"
#include "escape_decoder.h"
#include "view_builder.h"

namespace keyward {
namespace {

using Span = std::pair<size_t, size_t>;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

using JT = JsonCursor::Type;

// Walks a notebook in place (base/json_cursor.h), so every string is located at its own
// bytes. A member of the wrong type where nbformat says what it is ("cells" not a list)
// fails the walk, like a syntax error: the file is then scanned as the text it is.
class NotebookWalker {
 public:
  explicit NotebookWalker(std::string_view data) : data_(data), c_(data) {}

  bool walk() {
    if (c_.peek() != JT::Object) return false;
    c_.object([&](std::string_view key) {
      if (key == "cells") {
        cells();
        seen_cells_ = true;
      } else if (key == "worksheets") {  // nbformat 3
        c_.array([&] {
          c_.object([&](std::string_view k) {
            if (k == "cells") {
              cells();
              seen_cells_ = true;
            }
          });
        });
      }
    });
    return c_.ok();
  }

  bool seen_cells() const { return seen_cells_; }
  std::vector<CellSpan> out_cells;
  std::vector<Span> out_skip;
  // Texts stored as a list of two or more strings, which nbformat joins: one per source or
  // output text, with whether the strings are lines (traceback) rather than pieces.
  std::vector<std::pair<std::vector<Span>, bool>> out_lists;

 private:
  void cells() {
    c_.array([&] {
      ++number_;
      if (c_.peek() != JT::Object) return;
      c_.object([&](std::string_view key) {
        if (key == "source" || key == "input") {
          add_text(false);
        } else if (key == "outputs") {
          if (c_.peek() != JT::Array) return;
          c_.array([&] {
            if (c_.peek() == JT::Object) output();
          });
        } else if (key == "attachments") {
          if (c_.peek() != JT::Object) return;
          in_attachment_ = true;  // what mime_bundle adds is the cell's attachment, not output
          c_.object([&](std::string_view) {
            if (c_.peek() == JT::Object) mime_bundle();
          });
          in_attachment_ = false;
        }
      });
    });
  }

  void output() {
    c_.object([&](std::string_view key) {
      if (key == "text" || key == "evalue" || key == "ename") {
        add_text(true);
      } else if (key == "traceback") {  // one frame per string, shown joined by newlines
        add_text(true, true);
      } else if (key == "data") {
        if (c_.peek() == JT::Object) mime_bundle();
      } else if (key == "png" || key == "jpeg" || key == "gif" || key == "pdf") {  // nbformat 3
        payload(true);
      }
    });
  }

  // Every MIME type is scanned (image/svg+xml is text, and so is many a custom
  // application/x-* type) but a payload that is base64 of binary data (PNG, JPEG, ...).
  void mime_bundle() {
    c_.object([&](std::string_view mime) { payload(is_binary_mime(mime)); });
  }

  // binary_mime: a type whose payload is base64 (image/png). Under any other type only a
  // long run of base64 of binary data is taken for a payload.
  void payload(bool binary_mime) {
    if (c_.peek() == JT::Object) {
      // A JSON value (application/vnd.*+json): the raw view scans it; label it as output.
      std::string_view raw = c_.raw_value();
      if (raw.empty()) return;
      CellSpan c;
      c.begin = static_cast<size_t>(raw.data() - data_.data());
      c.end = c.begin + raw.size();
      c.cell = number_;
      c.output = true;
      c.line_starts.push_back(c.begin);
      out_cells.push_back(std::move(c));
      return;
    }
    std::vector<Span> spans = strings();
    if (spans.empty()) return;
    bool binary = true;
    size_t min_chars = binary_mime ? 4 : 256;
    for (auto [b, e] : spans) binary = binary && is_base64_binary(data_.substr(b, e - b), min_chars);
    if (binary)
      out_skip.emplace_back(spans.front().first, spans.back().second);
    else
      add_spans(spans, true);
  }

  // A string, or a list of strings (Jupyter writes one per line).
  std::vector<Span> strings() {
    std::vector<Span> out;
    JT t = c_.peek();
    if (t == JT::String) {
      Span s;
      if (c_.string(&s)) out.push_back(s);
    } else if (t == JT::Array) {
      c_.array([&] {
        Span s;
        if (c_.peek() == JT::String && c_.string(&s)) out.push_back(s);
      });
    }
    return out;
  }

  void add_text(bool output, bool string_per_line = false) { add_spans(strings(), output, string_per_line); }

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
  JsonCursor c_;
  int number_ = 0;
  bool seen_cells_ = false;
  bool in_attachment_ = false;
};


// Appends the JSON string content d[b, e) unescaped, each decoded character mapped to the
// escape (or byte) it comes from.
void append_json_string(std::string_view d, size_t b, size_t e, ViewBuilder& out) {
  const std::string_view str = d.substr(0, e);  // escapes never read past the string's end
  std::string tmp;
  size_t run = b;
  for (size_t i = b; i < e;) {
    const void* hit = std::memchr(d.data() + i, '\\', e - i);
    if (!hit) break;
    i = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
    out.literal(d.substr(run, i - run), run);
    if (i + 1 >= e) {
      run = i;  // a backslash ending the text stays as written
      break;
    }
    tmp.clear();
    size_t len = append_json_escape(str, i, tmp);
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
  NotebookWalker walker(data);
  if (!walker.walk() || !walker.seen_cells()) return false;
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
}

}  // namespace keyward
