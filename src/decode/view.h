// A view is text the matcher scans: the blob itself, or a decoding of part of it (JSON
// escapes, base64, UTF-16, notebook cells). Every view maps its offsets back to the blob,
// so a finding always points at the bytes a person sees in the file.
#pragma once
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keyward {

// Piece of an offset map: view bytes [view, next piece's view) come from blob bytes
// starting at orig. exact: each `group` view bytes stand for `stride` blob bytes (1:1 for
// literal text, 1:2 for ASCII decoded from UTF-16, 3:4 for base64, 1:6 for a run of \u00XX
// escapes), so a long run of one shape is a single piece; an exact piece with
// orig_end > orig ends there (a base64 run's last, short group). Otherwise the whole piece
// maps to the blob span [orig, orig_end) (a base64 group split by a line break).
struct OffsetPiece {
  size_t view = 0;
  size_t orig = 0;
  size_t orig_end = 0;
  bool exact = true;
  unsigned stride = 1;
  unsigned group = 1;
};

struct View {
  std::string storage;    // owns decoded bytes when the view is not the blob itself
  std::string decoded;    // "" for the blob itself, else "json-escape", "base64", "utf-16", ...
  std::vector<OffsetPiece> map;  // empty: identity
  // The whole blob in another encoding (UTF-16): lines and columns are counted in it.
  bool whole_text = false;

  // The blob itself as a view (every other view is decoded into storage).
  static View of(std::string_view blob) {
    View v;
    v.blob_ = blob;
    v.is_blob_ = true;
    return v;
  }
  // What to scan: the blob, or the decoded bytes. Computed on each call rather than stored,
  // so a View that moves (a vector growing, a short string moved by copy) never points
  // into the storage it left.
  std::string_view text() const { return is_blob_ ? blob_ : std::string_view(storage); }

  // View offset of a blob offset, for whole_text views (their pieces ascend in orig).
  size_t from_orig(size_t orig) const {
    if (map.empty()) return orig;
    size_t lo = 0, hi = map.size();
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      if (map[mid].orig <= orig) lo = mid; else hi = mid;
    }
    const OffsetPiece& p = map[lo];
    if (orig < p.orig) return p.view;
    if (!p.exact) {
      if (orig < p.orig_end || p.orig_end == p.orig) return p.view;
      return lo + 1 < map.size() ? map[lo + 1].view : text().size();
    }
    return p.view + (orig - p.orig) / p.stride * p.group;
  }

  // Blob offset of a view offset. For an end offset (exclusive), pass is_end = true.
  size_t to_orig(size_t off, bool is_end) const {
    if (map.empty()) return off;
    // Last piece whose view start is <= off (for an end: < off).
    size_t lo = 0, hi = map.size();
    while (hi - lo > 1) {
      size_t mid = (lo + hi) / 2;
      bool before = is_end ? map[mid].view < off : map[mid].view <= off;
      if (before) lo = mid; else hi = mid;
    }
    const OffsetPiece& p = map[lo];
    if (!p.exact) return is_end ? p.orig_end : p.orig;
    size_t k = off - p.view;
    size_t groups = is_end ? (k + p.group - 1) / p.group : k / p.group;
    size_t o = p.orig + groups * p.stride;
    return p.orig_end > p.orig ? std::min(o, p.orig_end) : o;
  }

 private:
  std::string_view blob_;  // is_blob_: the bytes viewed (the blob outlives its views)
  bool is_blob_ = false;
};

// A notebook cell's source (or output) as it lies in the file, for "cell N, line M".
struct CellSpan {
  size_t begin = 0, end = 0;  // blob offsets of the cell's JSON source (or output) text
  int cell = 0;               // 1-based
  bool output = false;
  bool attachment = false;  // a file attached to a markdown cell, neither source nor output
  std::vector<size_t> line_starts;  // blob offsets where each line of the cell begins
};

// What decoders learn about a blob besides its views.
struct BlobFacts {
  std::vector<CellSpan> cells;                        // notebooks only
  std::vector<std::pair<size_t, size_t>> skip;        // blob spans not to report (images)
  std::string not_scanned;  // reason the blob cannot be scanned (LFS pointer), else ""
  // Why the decoders could not finish (a budget ran out), else "": the scan fails closed.
  std::string incomplete;
};

}  // namespace keyward
