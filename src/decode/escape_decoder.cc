#include "escape_decoder.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "codepoints.h"
#include "view_builder.h"

namespace keyward {
namespace {

// How far around an escape the view reaches: more than any rule's longest match.
constexpr size_t kRadius = 1100;

enum class Kind { Json, Url, Html };

char marker_of(Kind kind) { return kind == Kind::Json ? '\\' : kind == Kind::Url ? '%' : '&'; }

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The rest of an ANSI control sequence after an escaped ESC (\u001b or \x1b) at d[j]: CSI
// "[" parameters and a final letter ("[1;32m"). A colour code glued to a token in a
// notebook output or a repr'd log line is dropped, so the token's boundary holds.
size_t csi_tail(std::string_view d, size_t j) {
  if (j >= d.size() || d[j] != '[') return 0;
  for (size_t k = j + 1; k < d.size() && k < j + 32; ++k) {
    char c = d[k];
    if ((c >= '0' && c <= '9') || c == ';' || c == '?' || c == ' ') continue;
    return (c >= '@' && c <= '~') ? k + 1 - j : 0;
  }
  return 0;
}

// An HTML/XML character reference at d[i] ('&'): &#x68; &#104; (the ';' is optional, as
// browsers read it) and the named ones for ASCII. Sets *cp; returns its length, 0: not one.
size_t html_ref(std::string_view d, size_t i, uint32_t* cp) {
  if (i + 3 > d.size() || d[i] != '&') return 0;
  if (d[i + 1] == '#') {
    bool hex = d[i + 2] == 'x' || d[i + 2] == 'X';
    size_t j = i + 2 + (hex ? 1 : 0), start = j;
    uint32_t v = 0;
    for (; j < d.size() && j - start < 8; ++j) {
      int h = hex ? hex_value(d[j]) : (d[j] >= '0' && d[j] <= '9' ? d[j] - '0' : -1);
      if (h < 0) break;
      v = v * (hex ? 16 : 10) + static_cast<uint32_t>(h);
    }
    if (j == start) return 0;
    if (j < d.size() && d[j] == ';') ++j;
    *cp = v == 0 ? 0xFFFD : v;
    return j - i;
  }
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}, {"equals;", '='},
      {"colon;", ':'}, {"sol;", '/'}, {"lowbar;", '_'}, {"period;", '.'}, {"plus;", '+'}, {"dash;", '-'}};
  for (auto [name, c] : kNamed)
    if (d.substr(i + 1, name.size()) == name) {
      *cp = static_cast<unsigned char>(c);
      return 1 + name.size();
    }
  return 0;
}

// Decodes one escape at data[i] into out; returns its length in the blob (0: not one).
size_t decode_one(Kind kind, std::string_view d, size_t i, std::string& out) {
  if (kind == Kind::Html) {
    uint32_t cp = 0;
    size_t n = html_ref(d, i, &cp);
    if (n) append_utf8(out, cp);
    return n;
  }
  if (kind == Kind::Url) {
    if (d[i] != '%' || i + 2 >= d.size()) return 0;
    int h = hex_value(d[i + 1]), l = hex_value(d[i + 2]);
    if (h < 0 || l < 0) return 0;
    out += static_cast<char>(h * 16 + l);
    return 3;
  }
  if (d[i] != '\\' || i + 1 >= d.size()) return 0;
  switch (d[i + 1]) {
    case '"':
    case '\\':
    case '/':
    case 'n':
    case 't':
    case 'r':
    case 'b':
    case 'f': return append_json_escape(d, i, out);  // JSON's one-letter escapes
    case 'x': {  // Python and C: b'\x00\x10hf_...' in a log, where a hex digit is glued
      int h = i + 3 < d.size() ? hex_value(d[i + 2]) : -1, l = h >= 0 ? hex_value(d[i + 3]) : -1;
      if (l < 0) return 0;
      if (h * 16 + l == 0x1B)
        if (size_t n = csi_tail(d, i + 4)) return 4 + n;
      out += static_cast<char>(h * 16 + l);
      return 4;
    }
    case 'u': {
      uint32_t cp = 0;
      size_t n = u_escape_at(d, i, &cp);
      if (n == 0) return 0;
      if (cp == 0x1B)
        if (size_t tail = csi_tail(d, i + 6)) return 6 + tail;
      append_utf8(out, cp);  // a lone surrogate: U+FFFD
      return n;
    }
    default: return 0;
  }
}

// Does the escape at i hide or split a token? Sets *len to the bytes to step over.
bool worth_decoding(Kind kind, std::string_view d, size_t i, size_t* len) {
  *len = 1;
  if (kind == Kind::Html) {
    // Numeric references only: they can spell a token's characters. A named one stands
    // for punctuation, a boundary the raw text already has (&amp; is in every HTML URL);
    // inside a window around a numeric one, named ones are decoded too.
    uint32_t cp;
    if (i + 1 >= d.size() || d[i + 1] != '#') return false;
    size_t n = html_ref(d, i, &cp);
    if (n) *len = n;
    return n > 0;
  }
  if (kind == Kind::Url) {
    if (i + 2 < d.size() && hex_value(d[i + 1]) >= 0 && hex_value(d[i + 2]) >= 0) {
      *len = 3;
      return true;
    }
    return false;
  }
  if (i + 1 >= d.size()) return false;
  char c = d[i + 1];
  *len = 2;
  switch (c) {
    case 'u': {
      uint32_t cp;
      if (!hex_at(d, i + 2, 4, &cp)) return false;
      *len = 6;
      return true;
    }
    case '/': return true;  // "https:\/\/", a secret with a slash in it
    case 'x':  // \xNN: its second hex digit is glued to what follows
      *len = 4;
      return i + 3 < d.size() && hex_value(d[i + 2]) >= 0 && hex_value(d[i + 3]) >= 0;
    // A control escape glued to a token: in the raw text its letter is part of the word.
    case 'n': case 't': case 'r': case 'b': case 'f':
      return i + 2 < d.size() && (is_alnum(d[i + 2]) || d[i + 2] == '_');
    default: return false;  // \" and \\ leave a boundary the raw text already has
  }
}

void emit_window(Kind kind, std::string_view d, size_t wb, size_t we, ViewBuilder& b) {
  char marker = marker_of(kind);
  std::string tmp;
  size_t run = wb;
  for (size_t i = wb; i < we;) {
    const void* hit = std::memchr(d.data() + i, marker, we - i);
    if (!hit) break;
    i = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
    tmp.clear();
    size_t len = decode_one(kind, d.substr(0, we), i, tmp);
    if (len == 0) {
      ++i;
      continue;
    }
    b.literal(d.substr(run, i - run), run);
    b.decoded(tmp, i, i + len);
    i += len;
    run = i;
  }
  b.literal(d.substr(run, we - run), run);
  b.separator(we);
}

bool decode_escapes(Kind kind, std::string_view d, const SkipSpans& skip, size_t budget, View& out) {
  char marker = marker_of(kind);
  ViewBuilder b(kind == Kind::Json ? "json-escape" : kind == Kind::Url ? "url-encoding" : "html-entity");
  size_t wb = 0, we = 0;
  bool open = false;
  size_t next_skip = 0;
  for (size_t i = 0; i < d.size();) {
    const void* hit = std::memchr(d.data() + i, marker, d.size() - i);
    if (!hit) break;
    i = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
    while (next_skip < skip.size() && skip[next_skip].second <= i) ++next_skip;
    if (next_skip < skip.size() && skip[next_skip].first <= i) {
      i = skip[next_skip].second;
      continue;
    }
    size_t len;
    if (!worth_decoding(kind, d, i, &len)) {
      i += len;
      continue;
    }
    // The window: the escape's line, cut to kRadius each side.
    size_t lo = i > kRadius ? i - kRadius : 0;
    const void* nl = memrchr(d.data() + lo, '\n', i - lo);
    size_t b0 = nl ? static_cast<size_t>(static_cast<const char*>(nl) - d.data()) + 1 : lo;
    size_t hi = std::min(d.size(), i + len + kRadius);
    const void* nr = std::memchr(d.data() + i, '\n', hi - i);
    size_t e0 = nr ? static_cast<size_t>(static_cast<const char*>(nr) - d.data()) : hi;
    if (open && b0 <= we) {
      we = std::max(we, e0);
    } else {
      if (open) emit_window(kind, d, wb, we, b);
      if (b.size() >= budget) { open = false; break; }
      wb = b0, we = e0, open = true;
    }
    i += len;
  }
  if (open) emit_window(kind, d, wb, we, b);
  if (b.empty()) return false;
  b.finish(out);
  return true;
}

}  // namespace

bool decode_json_escapes(std::string_view data, const SkipSpans& skip, size_t budget, View& out) {
  return decode_escapes(Kind::Json, data, skip, budget, out);
}

bool decode_url_escapes(std::string_view data, const SkipSpans& skip, size_t budget, View& out) {
  return decode_escapes(Kind::Url, data, skip, budget, out);
}

bool decode_html_entities(std::string_view data, const SkipSpans& skip, size_t budget, View& out) {
  // Cheap gate: most blobs hold no numeric character reference at all.
  if (data.find("&#") == std::string_view::npos) return false;
  return decode_escapes(Kind::Html, data, skip, budget, out);
}

}  // namespace keyward
