#include "line_decoders.h"

#include <algorithm>
#include <cstring>

#include "codepoints.h"
#include "view_builder.h"

namespace keyward {
namespace {

// How far around a marker the view reaches: more than any rule's longest match.
constexpr size_t kRadius = 1100;
constexpr char kEsc = '\x1b';

bool is_word(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Length of the ANSI escape sequence at d[i] (an ESC), ending before `end`; 0: none.
size_t ansi_len(std::string_view d, size_t i, size_t end) {
  if (i + 1 >= end) return 0;
  char c = d[i + 1];
  if (c == '[') {  // CSI: parameters 0x30-0x3F, intermediates 0x20-0x2F, a final 0x40-0x7E
    size_t k = i + 2, stop = std::min(end, i + 64);
    while (k < stop && d[k] >= 0x30 && d[k] <= 0x3F) ++k;
    while (k < stop && d[k] >= 0x20 && d[k] <= 0x2F) ++k;
    return k < stop && d[k] >= 0x40 && d[k] <= 0x7E ? k + 1 - i : 0;
  }
  if (c == ']') {  // OSC (titles, hyperlinks): ends at BEL or ESC backslash
    size_t stop = std::min(end, i + 4096);
    for (size_t k = i + 2; k < stop; ++k) {
      if (d[k] == '\x07') return k + 1 - i;
      if (d[k] == kEsc) return k + 1 < stop && d[k + 1] == '\\' ? k + 2 - i : 0;
      if (d[k] == '\n') return 0;
    }
    return 0;
  }
  if (c == '(' || c == ')' || c == '*' || c == '+') return i + 2 < end && d[i + 2] > 0x20 && d[i + 2] < 0x7F ? 3 : 0;
  return c >= 0x30 && c <= 0x7E ? 2 : 0;  // ESC 7, ESC M, ESC =, ...
}

// Length of the quoted-printable escape or soft line break at d[i] (an '='); 0: none.
size_t qp_len(std::string_view d, size_t i, size_t end) {
  if (i + 2 < end && hex_value(d[i + 1]) >= 0 && hex_value(d[i + 2]) >= 0) return 3;
  if (i + 1 < end && d[i + 1] == '\n') return 2;
  if (i + 2 < end && d[i + 1] == '\r' && d[i + 2] == '\n') return 3;
  return 0;
}

void emit_ansi(std::string_view d, size_t wb, size_t we, ViewBuilder& b) {
  size_t run = wb;
  for (size_t i = wb; i < we;) {
    const void* hit = std::memchr(d.data() + i, kEsc, we - i);
    if (!hit) break;
    i = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
    size_t n = ansi_len(d, i, we);
    if (n == 0) {
      ++i;
      continue;
    }
    b.literal(d.substr(run, i - run), run);
    // A terminal shows nothing for the sequence; where that would glue two words together
    // ("INFO" ESC[0m "hf_..."), a space keeps both boundaries.
    if (i > wb && i + n < we && is_word(d[i - 1]) && is_word(d[i + n])) b.decoded(" ", i, i + n);
    i += n;
    run = i;
  }
  b.literal(d.substr(run, we - run), run);
  b.separator(we);
}

void emit_qp(std::string_view d, size_t wb, size_t we, ViewBuilder& b) {
  size_t run = wb;
  for (size_t i = wb; i < we;) {
    const void* hit = std::memchr(d.data() + i, '=', we - i);
    if (!hit) break;
    i = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
    size_t n = qp_len(d, i, we);
    if (n == 0) {
      ++i;
      continue;
    }
    b.literal(d.substr(run, i - run), run);
    if (d[i + 1] != '\n' && d[i + 1] != '\r') {
      char c = static_cast<char>(hex_value(d[i + 1]) * 16 + hex_value(d[i + 2]));
      b.decoded(std::string_view(&c, 1), i, i + n);
    }
    i += n;
    run = i;
  }
  b.literal(d.substr(run, we - run), run);
  b.separator(we);
}

// The lines (cut to kRadius around the marker) holding a marker that len_at recognises,
// merged where they touch, each rewritten by emit. A marker's line reaches to the end of
// the line after the marker's bytes, so a soft line break takes in the next line.
template <class Len, class Emit>
bool windows(std::string_view d, const SkipSpans& skip, char marker, size_t budget, const char* name, Len len_at,
             Emit emit, View& out, std::string* incomplete) {
  ViewBuilder b(name);
  size_t wb = 0, we = 0, next_skip = 0;
  bool open = false;
  for (size_t i = 0; i < d.size();) {
    const void* hit = std::memchr(d.data() + i, marker, d.size() - i);
    if (!hit) break;
    i = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
    while (next_skip < skip.size() && skip[next_skip].second <= i) ++next_skip;
    if (next_skip < skip.size() && skip[next_skip].first <= i) {
      i = std::max(i + 1, skip[next_skip].second);
      continue;
    }
    size_t len = len_at(d, i, d.size());
    if (len == 0) {
      ++i;
      continue;
    }
    size_t lo = i > kRadius ? i - kRadius : 0;
    const void* nl = i > lo ? memrchr(d.data() + lo, '\n', i - lo) : nullptr;
    size_t b0 = nl ? static_cast<size_t>(static_cast<const char*>(nl) - d.data()) + 1 : lo;
    size_t from = i + len, hi = std::min(d.size(), from + kRadius);
    const void* nr = from < hi ? std::memchr(d.data() + from, '\n', hi - from) : nullptr;
    size_t e0 = nr ? static_cast<size_t>(static_cast<const char*>(nr) - d.data()) : hi;
    if (open && b0 <= we) {
      we = std::max(we, e0);
    } else {
      if (open) emit(d, wb, we, b);
      open = false;
      if (b.size() >= budget) {
        if (incomplete->empty())
          *incomplete = std::string("its ") + name + " view exceeds the decoding budget; not scanned in full";
        break;
      }
      wb = b0, we = e0, open = true;
    }
    i += len;
  }
  if (open) emit(d, wb, we, b);
  if (b.empty()) return false;
  b.finish(out);
  return true;
}

bool contains(std::string_view d, std::string_view needle) { return d.find(needle) != std::string_view::npos; }

}  // namespace

bool decode_ansi_escapes(std::string_view data, const SkipSpans& skip, size_t budget, View& out,
                         std::string* incomplete) {
  if (!std::memchr(data.data(), kEsc, data.size())) return false;
  return windows(data, skip, kEsc, budget, "ansi", ansi_len, emit_ansi, out, incomplete);
}

bool decode_quoted_printable(std::string_view data, const SkipSpans& skip, size_t budget, View& out,
                             std::string* incomplete) {
  // "=" followed by a newline or two hex digits is common in code and .env files; only a
  // blob that is quoted-printable is decoded.
  if (!contains(data, "=3D") && !contains(data, "=3d") && !contains(data, "uoted-printable") &&
      !contains(data, "UOTED-PRINTABLE") && !contains(data, "uoted-Printable"))
    return false;
  return windows(data, skip, '=', budget, "quoted-printable", qp_len, emit_qp, out, incomplete);
}

}  // namespace keyward
