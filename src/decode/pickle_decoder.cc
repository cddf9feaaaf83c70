#include "pickle_decoder.h"
#include "codepoints.h"
#include "zip_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "escape_decoder.h"
#include "utf16_decoder.h"
#include "view_builder.h"

namespace keyward {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

uint64_t le(std::string_view d, size_t at, int n) {
  uint64_t v = 0;
  for (int k = n - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(d[at + static_cast<size_t>(k)]);
  return v;
}

// Where the bytes of a pickle lie in the blob: at an offset (the blob itself, a stored zip
// member), or somewhere in a compressed span (a deflated member), where a position is
// placed proportionally so that two strings of one member keep distinct offsets.
struct Place {
  size_t base = 0;
  bool exact = true;
  size_t span_begin = 0, span_end = 0, size = 0;

  size_t at(size_t pos) const {
    if (exact) return base + pos;
    size_t w = span_end - span_begin;
    if (size == 0 || w == 0) return span_begin;
    double f = static_cast<double>(pos) / static_cast<double>(size);
    return span_begin + std::min(w - 1, static_cast<size_t>(f * static_cast<double>(w)));
  }
};

// Writes the strings of one pickle into the view, each on a line of its own.
class Emitter {
 public:
  Emitter(ViewBuilder& b, const Place& p) : b_(b), p_(p) {}

  void raw(std::string_view text, size_t pos) {
    if (p_.exact) {
      b_.literal(text, p_.at(pos));
    } else {
      size_t o = p_.at(pos);
      b_.decoded(text, o, std::max(o + 1, p_.at(pos + text.size())));
    }
  }
  void escaped(std::string_view text, size_t pos, size_t len) {
    size_t o = p_.at(pos);
    b_.decoded(text, o, std::max(o + 1, p_.at(pos + len)));
  }
  void end(size_t pos) { b_.separator(p_.at(pos)); }

 private:
  ViewBuilder& b_;
  const Place& p_;
};

struct Parsed {
  bool ok = false;
  size_t end = 0;      // just past the STOP opcode; with ok false, where the error is
  size_t strings = 0;  // string values read (before an error, too)
  std::string error;   // with ok false
  bool over_budget = false;
};

// Reads one pickle (protocols 0-5) from d[i] to its STOP. Only lengths are read from the
// data, each checked against what is left: no allocation follows them.
class Parser {
 public:
  Parser(std::string_view d, Emitter& e, const ViewBuilder& b, size_t budget)
      : d_(d), e_(e), b_(b), budget_(budget) {}

  Parsed parse(size_t i) {
    Parsed r;
    while (i < d_.size()) {
      if (b_.size() > budget_) {
        r.over_budget = true;
        return fail(r, "its strings exceed the decoding budget", i);
      }
      unsigned char op = static_cast<unsigned char>(d_[i]);
      size_t at = i++;
      switch (op) {
        case '.':  // STOP
          r.ok = true;
          r.end = i;
          return r;
        // No argument.
        case '(': case '0': case '1': case '2': case 'N': case 'Q': case 'R': case 'a': case 'b':
        case 'd': case '}': case 'e': case 'l': case ']': case 'o': case 's': case 't': case ')':
        case 'u': case 0x81: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8f:
        case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x97: case 0x98:
          break;
        // Fixed-size arguments.
        case 'K': case 'h': case 'q': case 0x80: case 0x82: if (!skip(i, 1)) return cut(r, at); break;
        case 'M': case 0x83: if (!skip(i, 2)) return cut(r, at); break;
        case 'J': case 'j': case 'r': case 0x84: if (!skip(i, 4)) return cut(r, at); break;
        case 'G': case 0x95: if (!skip(i, 8)) return cut(r, at); break;
        // A line: a number, a memo key, a persistent id.
        case 'F': case 'I': case 'L': case 'P': case 'g': case 'p':
          if (!line(i)) return cut(r, at);
          break;
        // GLOBAL and INST: module and name lines.
        case 'c': case 'i':
          if (!line(i) || !line(i)) return cut(r, at);
          break;
        // Counted byte strings that are not text: a long integer's bytes.
        case 0x8a: if (!counted(i, 1, false, r)) return cut(r, at); break;
        case 0x8b: if (!counted(i, 4, false, r)) return cut(r, at); break;
        // Counted strings and bytes.
        case 'U': case 'C': case 0x8c: if (!counted(i, 1, true, r)) return cut(r, at); break;
        case 'T': case 'X': case 'B': if (!counted(i, 4, true, r)) return cut(r, at); break;
        case 0x8d: case 0x8e: case 0x96: if (!counted(i, 8, true, r)) return cut(r, at); break;
        // Protocol 0 text: STRING is a Python repr, UNICODE raw-unicode-escape.
        case 'S': case 'V': {
          size_t b = i;
          if (!line(i)) return cut(r, at);
          size_t e = i - 1;  // the newline
          if (op == 'S') {
            if (e - b >= 2 && (d_[b] == '\'' || d_[b] == '"') && d_[e - 1] == d_[b]) ++b, --e;
            repr(b, e);
          } else {
            unicode_escape(b, e);
          }
          if (e > b) e_.end(e), ++r.strings;
          break;
        }
        default: {
          static const char* kHex = "0123456789abcdef";
          std::string msg = "unknown opcode 0x";
          msg += kHex[op >> 4];
          msg += kHex[op & 15];
          return fail(r, msg, at);
        }
      }
    }
    return fail(r, "it ends before its STOP opcode", d_.size());
  }

 private:
  static Parsed fail(Parsed& r, const std::string& why, size_t at) {
    r.ok = false;
    r.end = at;
    r.error = why + " (at byte " + std::to_string(at) + ")";
    return r;
  }
  Parsed cut(Parsed& r, size_t at) { return fail(r, "an argument is cut short", at); }

  bool skip(size_t& i, size_t n) {
    if (n > d_.size() - i) return false;
    i += n;
    return true;
  }
  bool line(size_t& i) {
    size_t nl = d_.find('\n', i);
    if (nl == std::string_view::npos) return false;
    i = nl + 1;
    return true;
  }
  bool counted(size_t& i, int width, bool text, Parsed& r) {
    if (static_cast<size_t>(width) > d_.size() - i) return false;
    uint64_t n = le(d_, i, width);
    if (width == 4 && d_[i + 3] & 0x80 && text) return false;  // BINSTRING's length is signed
    i += static_cast<size_t>(width);
    if (n > d_.size() - i) return false;
    if (text && n > 0) {
      e_.raw(d_.substr(i, static_cast<size_t>(n)), i);
      e_.end(i + static_cast<size_t>(n));
      ++r.strings;
    }
    i += static_cast<size_t>(n);
    return true;
  }
  // STRING's repr: \xNN, \n, \r, \t, \\, \', \" decoded; the rest as it is.
  void repr(size_t b, size_t e) {
    size_t run = b;
    std::string tmp;
    for (size_t i = b; i + 1 < e; ++i) {
      if (d_[i] != '\\') continue;
      char c = d_[i + 1];
      size_t len = 2;
      tmp.clear();
      uint32_t v = 0;
      if (c == 'x' && i + 4 <= e && hex_at(d_, i + 2, 2, &v)) tmp += static_cast<char>(v), len = 4;
      else if (c == 'n') tmp += '\n';
      else if (c == 'r') tmp += '\r';
      else if (c == 't') tmp += '\t';
      else if (c == '\\' || c == '\'' || c == '"') tmp += c;
      else continue;
      if (i > run) e_.raw(d_.substr(run, i - run), run);
      e_.escaped(tmp, i, len);
      i += len - 1;
      run = i + 1;
    }
    if (e > run) e_.raw(d_.substr(run, e - run), run);
  }
  // UNICODE's raw-unicode-escape: \uXXXX and \UXXXXXXXX; every other byte as it is.
  void unicode_escape(size_t b, size_t e) {
    size_t run = b;
    std::string tmp;
    for (size_t i = b; i + 1 < e; ++i) {
      if (d_[i] != '\\') continue;
      uint32_t cp = 0;
      size_t len = 0;
      if (d_[i + 1] == 'u' && i + 6 <= e && hex_at(d_, i + 2, 4, &cp)) len = 6;
      else if (d_[i + 1] == 'U' && i + 10 <= e && hex_at(d_, i + 2, 8, &cp)) len = 10;
      else continue;
      tmp.clear();
      append_utf8(tmp, cp);
      if (i > run) e_.raw(d_.substr(run, i - run), run);
      e_.escaped(tmp, i, len);
      i += len - 1;
      run = i + 1;
    }
    if (e > run) e_.raw(d_.substr(run, e - run), run);
  }

  std::string_view d_;
  Emitter& e_;
  const ViewBuilder& b_;
  size_t budget_;
};

bool has_magic(std::string_view d, size_t at = 0) {
  return d.size() >= at + 2 && static_cast<unsigned char>(d[at]) == 0x80 && d[at + 1] >= 2 && d[at + 1] <= 5;
}

bool printable(unsigned char c) { return c >= 0x20 ? c != 0x7f : c == '\t'; }

// After an opcode the parser does not know (joblib writes numpy arrays' raw bytes in the
// middle of its pickle) the rest is not dropped: every counted string opcode whose length
// is followed by exactly that much printable text is read. Linear: the end of the current
// printable run is found once per run. Returns false when the budget ran out.
bool salvage(std::string_view d, size_t from, Emitter& e, const ViewBuilder& b, size_t budget) {
  size_t run_begin = 0, run_end = 0;  // [run_begin, run_end): printable
  auto printable_to = [&](size_t j) {
    if (j < run_begin || j >= run_end) {
      run_begin = j;
      run_end = j;
      while (run_end < d.size() && printable(static_cast<unsigned char>(d[run_end]))) ++run_end;
    }
    return run_end;
  };
  for (size_t i = from; i < d.size();) {
    if (b.size() > budget) return false;
    unsigned char op = static_cast<unsigned char>(d[i]);
    int width = (op == 'X' || op == 'T' || op == 'B') ? 4 : (op == 'U' || op == 'C' || op == 0x8c) ? 1
                : (op == 0x8d || op == 0x8e || op == 0x96) ? 8 : 0;
    if (width && d.size() - i - 1 >= static_cast<size_t>(width)) {
      uint64_t n = le(d, i + 1, width);
      size_t j = i + 1 + static_cast<size_t>(width);
      if (n >= 8 && n <= d.size() - j && printable_to(j) - j >= n) {
        e.raw(d.substr(j, static_cast<size_t>(n)), j);
        e.end(j + static_cast<size_t>(n));
        i = j + static_cast<size_t>(n);
        continue;
      }
    }
    ++i;
  }
  return true;
}

// A pickle's bytes, and the pickles that follow it (the legacy torch.save format writes
// several in a row, then raw tensor bytes). ok false: the first one did not parse; with
// salvage, the strings after the error are read as salvage() can.
Parsed parse_all(std::string_view d, const Place& place, ViewBuilder& b, size_t budget, bool always_salvage) {
  Emitter e(b, place);
  Parser p(d, e, b, budget);
  Parsed total;
  for (size_t i = 0;;) {
    Parsed r = p.parse(i);
    total.strings += r.strings;
    if (!r.ok) {
      total.ok = false;
      total.error = r.error;
      total.end = r.end;
      total.over_budget = r.over_budget;
      if (!r.over_budget && (always_salvage || total.strings > 0))
        total.over_budget = !salvage(d, r.end, e, b, budget);
      return total;
    }
    total.ok = true;
    total.end = i = r.end;
    if (!has_magic(d, i)) return total;
  }
}

// --- zip -------------------------------------------------------------------------------

}  // namespace

bool zip_sig(std::string_view d, uint64_t at, const char* s) {
  return at <= d.size() && d.size() - at >= 4 && d.substr(static_cast<size_t>(at), 4) == std::string_view(s, 4);
}

// The central directory's entries; false when there is no readable one.
bool zip_members(std::string_view d, std::vector<ZipMember>& out) {
  if (d.size() < 22) return false;
  size_t lowest = d.size() > 22 + 65535 ? d.size() - 22 - 65535 : 0;
  size_t eocd = std::string_view::npos;
  for (size_t i = d.size() - 22 + 1; i-- > lowest;)
    if (zip_sig(d, i, "PK\x05\x06")) { eocd = i; break; }
  if (eocd == std::string_view::npos) return false;
  uint64_t entries = le(d, eocd + 10, 2), cd = le(d, eocd + 16, 4), cd_size = le(d, eocd + 12, 4);
  if ((entries == 0xFFFF || cd == 0xFFFFFFFF || cd_size == 0xFFFFFFFF) && eocd >= 20 &&
      zip_sig(d, eocd - 20, "PK\x06\x07")) {
    uint64_t z = le(d, eocd - 20 + 8, 8);
    if (!zip_sig(d, z, "PK\x06\x06") || d.size() - z < 56) return false;
    entries = le(d, z + 32, 8), cd_size = le(d, z + 40, 8), cd = le(d, z + 48, 8);
  }
  if (cd > d.size() || cd_size > d.size() - cd) return false;
  uint64_t p = cd, end = cd + cd_size;
  for (uint64_t n = 0; n < entries; ++n) {
    if (end - p < 46 || !zip_sig(d, p, "PK\x01\x02")) return false;
    size_t q = static_cast<size_t>(p);
    ZipMember m;
    m.flags = static_cast<unsigned>(le(d, q + 8, 2));
    m.method = static_cast<unsigned>(le(d, q + 10, 2));
    m.csize = le(d, q + 20, 4), m.usize = le(d, q + 24, 4), m.local = le(d, q + 42, 4);
    size_t nlen = static_cast<size_t>(le(d, q + 28, 2)), xlen = static_cast<size_t>(le(d, q + 30, 2)),
           clen = static_cast<size_t>(le(d, q + 32, 2));
    if (end - p - 46 < nlen + xlen + clen) return false;
    m.name = d.substr(q + 46, nlen);
    // Zip64: the sizes and offset that do not fit 32 bits are in extra field 0x0001.
    for (size_t x = q + 46 + nlen, xe = x + xlen; xe - x >= 4;) {
      size_t id = static_cast<size_t>(le(d, x, 2)), len = static_cast<size_t>(le(d, x + 2, 2));
      if (xe - x - 4 < len) break;
      if (id == 1) {
        size_t f = x + 4, fe = f + len;
        for (uint64_t* v : {&m.usize, &m.csize, &m.local})
          if (*v == 0xFFFFFFFF && fe - f >= 8) *v = le(d, f, 8), f += 8;
      }
      x += 4 + len;
    }
    out.push_back(m);
    p += 46 + nlen + xlen + clen;
  }
  return true;
}

namespace {
struct Inflater {
  z_stream z{};
  bool live = false;
  ~Inflater() {
    if (live) inflateEnd(&z);
  }
};
}  // namespace

// Raw deflate into exactly usize bytes; false when the stream is bad or not that long.
bool inflate_member(std::string_view in, std::string& out, size_t usize) {
  out.assign(usize, '\0');
  Inflater f;
  if (inflateInit2(&f.z, -15) != Z_OK) return false;
  f.live = true;
  f.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  f.z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  f.z.next_out = reinterpret_cast<Bytef*>(out.data());
  f.z.avail_out = static_cast<uInt>(usize);
  int rc = inflate(&f.z, Z_FINISH);
  return rc == Z_STREAM_END && f.z.total_out == usize;
}

namespace {

bool sig(std::string_view d, uint64_t at, const char* s) { return zip_sig(d, at, s); }

// A member is named by its position, never by its name: names are file content, and a
// name can hold a secret that must not reach an error message.
std::string member_label(uint64_t local_offset) {
  return "the zip member whose header is at byte " + std::to_string(local_offset);
}

// The .pkl members of a zip, and the deflated .npy members of an .npz (numpy's string
// arrays are UTF-32; a stored member lies in the blob, where the utf-32 runs view reads
// it). Returns whether any was read.
bool decode_zip(std::string_view d, size_t budget, ViewBuilder& b, std::string* incomplete) {
  std::vector<ZipMember> members;
  if (!zip_members(d, members)) {
    // No central directory (a cut archive): say so when the first member is a pickle.
    if (d.size() >= 30) {
      size_t nlen = static_cast<size_t>(le(d, 26, 2));
      if (d.size() - 30 >= nlen && is_pickle_member_name(d.substr(30, nlen)))
        *incomplete = "a zip whose first member is a pickle, without a readable central directory";
    }
    return false;
  }
  bool any = false;
  size_t inflated = 0;
  for (const ZipMember& m : members) {
    bool npy = ends_with(m.name, ".npy") && m.method != 0;
    if (!is_pickle_member_name(m.name) && !npy) continue;
    std::string what = member_label(m.local);
    auto fail = [&](const std::string& why) {
      if (incomplete->empty()) *incomplete = what + ": " + why;
    };
    if (m.flags & 1) { fail("encrypted"); continue; }
    if (!sig(d, m.local, "PK\x03\x04") || d.size() - m.local < 30) { fail("its local header is missing"); continue; }
    size_t lh = static_cast<size_t>(m.local);
    uint64_t data = m.local + 30 + le(d, lh + 26, 2) + le(d, lh + 28, 2);
    if (data > d.size() || m.csize > d.size() - data) { fail("its data is cut short"); continue; }
    std::string_view raw = d.substr(static_cast<size_t>(data), static_cast<size_t>(m.csize));
    Place place;
    std::string buf;
    std::string_view pickle;
    if (m.method == 0) {
      place.base = static_cast<size_t>(data);
      pickle = raw;
    } else if (m.method == 8) {
      if (m.usize > budget || inflated + m.usize > budget) { fail("it inflates past the decoding budget"); continue; }
      if (!inflate_member(raw, buf, static_cast<size_t>(m.usize))) { fail("it does not inflate"); continue; }
      inflated += buf.size();
      place.exact = false;
      place.span_begin = static_cast<size_t>(data);
      place.span_end = static_cast<size_t>(data + m.csize);
      place.size = buf.size();
      pickle = buf;
    } else {
      fail("compressed with method " + std::to_string(m.method));
      continue;
    }
    if (npy) {
      // Its ASCII runs, each placed on the member's compressed bytes.
      View runs;
      if (decode_utf32_runs(pickle, budget - std::min(budget, b.size()), runs)) {
        b.decoded(runs.storage, place.span_begin, place.span_end);
        any = true;
      }
      if (b.size() >= budget) fail("its strings exceed the decoding budget");
      continue;
    }
    // A member that does not parse is still read for strings (salvage); only a budget
    // that runs out leaves part of it unread.
    Parsed r = parse_all(pickle, place, b, budget, true);
    any = any || r.strings > 0 || !b.empty();
    if (r.over_budget) fail("its strings exceed the decoding budget");
  }
  return any;
}

}  // namespace

bool is_pickle_member_name(std::string_view name) { return ends_with(name, ".pkl") || ends_with(name, ".pickle"); }

bool decode_pickle(std::string_view data, size_t budget, View& out, std::string* incomplete) {
  ViewBuilder b("pickle");
  bool any = false;
  if (sig(data, 0, "PK\x03\x04")) {
    any = decode_zip(data, budget, b, incomplete);
  } else if (has_magic(data)) {
    // Garbage after a 0x80 0x0N start that never reached a string is not a pickle; the
    // tail of one that stops after some strings is salvaged.
    Parsed r = parse_all(data, Place{}, b, budget, false);
    if (r.over_budget) *incomplete = "its pickle strings exceed the decoding budget";
    any = r.strings > 0;
  } else if (data.size() >= 2 && data.back() == '.' && std::string_view("(}]cVSINFL)").find(data[0]) != std::string_view::npos) {
    // Protocols 0 and 1 have no magic: a pickle is what parses to a STOP at the very end.
    Parsed r = parse_all(data, Place{}, b, budget, false);
    any = r.ok && r.end == data.size() && r.strings > 0;
  }
  if (!any || b.empty()) return false;
  if (b.size() > budget && incomplete->empty()) *incomplete = "its pickle strings exceed the decoding budget";
  b.finish(out);
  return true;
}

}  // namespace keyward
