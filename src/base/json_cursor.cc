#include "json_cursor.h"

#include <cstdint>
#include <cstring>

#include "codepoints.h"

namespace keyward {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

void JsonCursor::ws() {
  while (pos_ < text_.size() && is_ws(text_[pos_])) ++pos_;
}

bool JsonCursor::expect(char c) {
  if (failed_ || pos_ >= text_.size() || text_[pos_] != c) return fail(), false;
  ++pos_;
  return true;
}

JsonCursor::Type JsonCursor::peek() {
  if (failed_) return Type::Invalid;
  ws();
  if (pos_ >= text_.size()) return Type::Invalid;
  switch (text_[pos_]) {
    case '{': return Type::Object;
    case '[': return Type::Array;
    case '"': return Type::String;
    case 't': return Type::True;
    case 'f': return Type::False;
    case 'n': return Type::Null;
    default: return text_[pos_] == '-' || is_digit(text_[pos_]) ? Type::Number : Type::Invalid;
  }
}

bool JsonCursor::begin_container(char open) {
  if (peek() == Type::Invalid || text_[pos_] != open || depth_ >= max_depth_) return fail(), false;
  ++pos_, ++depth_;
  return true;
}

bool JsonCursor::read_string(Span* raw) {
  // At the opening quote; the string ends at the first quote no backslash escapes. What
  // stands inside is not judged (a raw tab, a bad escape): a writer's sloppiness must not
  // make a notebook unreadable, and the callers take strings as raw spans.
  size_t b = ++pos_;
  for (size_t i = b; i < text_.size();) {
    const char* at = static_cast<const char*>(std::memchr(text_.data() + i, '"', text_.size() - i));
    if (!at) break;
    size_t q = static_cast<size_t>(at - text_.data());
    size_t bs = 0;
    while (q - bs > b && text_[q - 1 - bs] == '\\') ++bs;
    if (bs % 2 == 0) {
      if (strict_ && !well_formed(text_.substr(b, q - b))) return fail(), false;
      if (raw) *raw = {b, q};
      pos_ = q + 1;
      return true;
    }
    i = q + 1;
  }
  return fail(), false;
}

bool JsonCursor::well_formed(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20) return false;
    if (c == '\\') {
      if (i + 1 >= s.size()) return false;
      char e = s[i + 1];
      uint32_t v;
      if (e == 'u') {
        if (!hex_at(s, i + 2, 4, &v)) return false;
        i += 6;
      } else if (e != '\0' && std::strchr("\"\\/bfnrt", e)) {
        i += 2;
      } else {
        return false;
      }
      continue;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    // UTF-8: the lead byte's length, continuation bytes, no overlong form, no surrogate,
    // nothing past U+10FFFF.
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (n == 0 || c > 0xF4 || i + n > s.size()) return false;
    uint32_t cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

bool JsonCursor::read_number() {
  size_t i = pos_;
  if (i < text_.size() && text_[i] == '-') ++i;
  if (i >= text_.size() || !is_digit(text_[i])) return fail(), false;
  if (text_[i] == '0') {
    ++i;
  } else {
    while (i < text_.size() && is_digit(text_[i])) ++i;
  }
  if (i < text_.size() && text_[i] == '.') {
    ++i;
    if (i >= text_.size() || !is_digit(text_[i])) return fail(), false;
    while (i < text_.size() && is_digit(text_[i])) ++i;
  }
  if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
    ++i;
    if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) ++i;
    if (i >= text_.size() || !is_digit(text_[i])) return fail(), false;
    while (i < text_.size() && is_digit(text_[i])) ++i;
  }
  pos_ = i;
  return true;
}

bool JsonCursor::read_literal(std::string_view word) {
  if (text_.substr(pos_, word.size()) != word) return fail(), false;
  pos_ += word.size();
  return true;
}

bool JsonCursor::string(Span* raw) {
  if (peek() != Type::String) return fail(), false;
  return read_string(raw);
}

std::string_view JsonCursor::current_key(Span raw) {
  std::string_view k = text_.substr(raw.first, raw.second - raw.first);
  if (k.find('\\') == std::string_view::npos) return k;
  key_ = unescape(k);
  return key_;
}

std::string_view JsonCursor::raw_value() {
  if (peek() == Type::Invalid) return fail(), std::string_view();
  const size_t start = pos_;
  // Iterative, so that depth costs no stack: the closers owed, innermost last.
  std::string closers;
  for (;;) {
    // A value at pos_.
    ws();
    if (pos_ >= text_.size()) return fail(), std::string_view();
    char c = text_[pos_];
    bool opened = false;
    if (c == '{' || c == '[') {
      if (depth_ + closers.size() >= max_depth_) return fail(), std::string_view();
      closers += c == '{' ? '}' : ']';
      ++pos_;
      ws();
      if (pos_ < text_.size() && text_[pos_] == closers.back()) {
        ++pos_;
        closers.pop_back();
      } else {
        opened = true;
      }
    } else if (c == '"') {
      if (!read_string(nullptr)) return {};
    } else if (c == 't') {
      if (!read_literal("true")) return {};
    } else if (c == 'f') {
      if (!read_literal("false")) return {};
    } else if (c == 'n') {
      if (!read_literal("null")) return {};
    } else if (!read_number()) {
      return {};
    }
    if (opened && closers.back() == '}') {
      // The first member's key.
      if (pos_ >= text_.size() || text_[pos_] != '"' || !read_string(nullptr)) return fail(), std::string_view();
      ws();
      if (!expect(':')) return {};
      continue;
    }
    if (opened) continue;  // the first element of an array
    // After a value: close what is complete, then a separator or the end.
    for (;;) {
      if (closers.empty()) return text_.substr(start, pos_ - start);
      ws();
      if (pos_ >= text_.size()) return fail(), std::string_view();
      char n = text_[pos_];
      if (n == closers.back()) {
        ++pos_;
        closers.pop_back();
        continue;
      }
      if (n != ',') return fail(), std::string_view();
      ++pos_;
      if (closers.back() == '}') {
        ws();
        if (pos_ >= text_.size() || text_[pos_] != '"' || !read_string(nullptr)) return fail(), std::string_view();
        ws();
        if (!expect(':')) return {};
      }
      break;
    }
  }
}

bool JsonCursor::at_end() {
  if (failed_) return false;
  ws();
  return pos_ == text_.size();
}

std::string JsonCursor::unescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const void* hit = std::memchr(raw.data() + i, '\\', raw.size() - i);
    size_t at = hit ? static_cast<size_t>(static_cast<const char*>(hit) - raw.data()) : raw.size();
    out.append(raw.data() + i, at - i);
    if (at == raw.size()) break;
    i = at + append_json_escape(raw, at, out);
  }
  return out;
}

bool JsonCursor::valid(std::string_view text, size_t max_depth) {
  JsonCursor c(text, max_depth, true);
  return c.skip() && c.at_end();
}

}  // namespace keyward
