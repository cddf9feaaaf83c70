// A forward-only reader of one JSON text (RFC 8259), in place. Strings are handed out as
// the spans of their raw bytes between the quotes, escapes untouched, so that a caller
// can map what it finds back to the file (the notebook decoder locates every secret at its
// own bytes); keys are compared unescaped. What a caller does not read is skipped, its
// structure checked (what stands inside a string is not: a raw control character or a bad
// escape ends no string). Any syntax error, or nesting deeper than the limit, makes ok()
// false and every later call a no-op: callers check ok() once at the end.
//
// Nothing is allocated per value and nothing recurses without bound: the two readers
// keyward has (notebooks, provider responses) walk a few known keys of documents that
// may be hundreds of megabytes or hostile.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace keyward {

class JsonCursor {
 public:
  enum class Type { Object, Array, String, Number, True, False, Null, Invalid };
  using Span = std::pair<size_t, size_t>;  // [begin, end) offsets into the text

  // strict: strings must also be well formed (UTF-8, control characters escaped, valid
  // escapes), as a JSON writer's output must be.
  explicit JsonCursor(std::string_view text, size_t max_depth = 1024, bool strict = false)
      : text_(text), max_depth_(max_depth), strict_(strict) {}

  // The type of the value at the cursor (Invalid at the end, or after an error).
  Type peek();
  // Walks the object at the cursor: fn(std::string_view key) is called with the cursor on
  // each member's value (key unescaped; valid until the next call). A value fn leaves
  // unread is skipped. False (and an error) if the value is not an object.
  template <class F>
  bool object(F&& fn);
  // Walks the array at the cursor: fn() is called with the cursor on each element.
  template <class F>
  bool array(F&& fn);
  // The string at the cursor: *raw is its content between the quotes, escapes as written.
  bool string(Span* raw);
  // Any value: consumed, its raw text returned (empty on error).
  std::string_view raw_value();
  bool skip() { return !raw_value().empty(); }
  // The cursor is at the end of the text (whitespace only after it).
  bool at_end();

  bool ok() const { return !failed_; }
  void fail() { failed_ = true; }
  std::string_view text() const { return text_; }

  // The JSON string content raw (escapes as written) unescaped as UTF-8; a lone surrogate
  // escape becomes U+FFFD.
  static std::string unescape(std::string_view raw);
  // True if text is exactly one well-formed JSON value (strict; whitespace around it).
  static bool valid(std::string_view text, size_t max_depth = 1024);

 private:
  void ws();
  bool expect(char c);
  bool begin_container(char open);
  // Reads the string at pos_ (its opening quote); false on error.
  bool read_string(Span* raw);
  static bool well_formed(std::string_view content);
  bool read_number();
  bool read_literal(std::string_view word);
  std::string_view current_key(Span raw);
  // The members or elements of the container at the cursor: each() reads one (at its
  // first byte), false on an error.
  template <class Each>
  bool elements(char open, char close, Each&& each);
  // Calls fn with the cursor on a value, then skips the value if fn left it unread.
  template <class F>
  bool visit(F&& fn);

  std::string_view text_;
  size_t pos_ = 0;
  size_t depth_ = 0;
  size_t max_depth_;
  bool strict_;
  bool failed_ = false;
  std::string key_;  // an escaped key, unescaped
};

template <class Each>
bool JsonCursor::elements(char open, char close, Each&& each) {
  if (!begin_container(open)) return false;
  ws();
  if (pos_ < text_.size() && text_[pos_] == close) {
    ++pos_, --depth_;
    return true;
  }
  for (;;) {
    ws();
    if (!each() || failed_) return false;
    ws();
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (!expect(close)) return false;
    --depth_;
    return true;
  }
}

template <class F>
bool JsonCursor::visit(F&& fn) {
  size_t at = pos_;
  fn();
  return !failed_ && (pos_ != at || skip());
}

template <class F>
bool JsonCursor::object(F&& fn) {
  return elements('{', '}', [&] {
    Span key;
    if (pos_ >= text_.size() || text_[pos_] != '"' || !read_string(&key)) return fail(), false;
    ws();
    if (!expect(':')) return false;
    ws();
    return visit([&] { fn(current_key(key)); });
  });
}

template <class F>
bool JsonCursor::array(F&& fn) {
  return elements('[', ']', [&] { return visit(fn); });
}

}  // namespace keyward
