// Builds a decoded View piece by piece, keeping its offset map compact: literal bytes that
// continue the previous literal run extend it instead of adding a piece.
#pragma once
#include <string_view>
#include <utility>

#include "view.h"

namespace keyward {

class ViewBuilder {
 public:
  explicit ViewBuilder(std::string decoded) { view_.decoded = std::move(decoded); }

  size_t size() const { return view_.storage.size(); }
  bool empty() const { return view_.storage.empty(); }

  // Blob bytes [orig, orig + text.size()) copied as they are.
  void literal(std::string_view text, size_t orig) {
    if (text.empty()) return;
    auto& map = view_.map;
    size_t at = view_.storage.size();
    bool extends = !map.empty() && map.back().exact && map.back().stride == 1 && map.back().group == 1 &&
                   map.back().orig_end == map.back().orig && map.back().orig + (at - map.back().view) == orig;
    if (!extends) map.push_back({at, orig, orig, true, 1, 1});
    view_.storage.append(text);
  }

  // Decoded bytes that all stand for the blob span [orig, orig_end). A run of such spans
  // of one shape (\u escapes, CJK from UTF-16) shares one exact piece: maps stay small.
  void decoded(std::string_view text, size_t orig, size_t orig_end) {
    if (text.empty()) return;
    if (orig_end > orig) {
      grouped(text, orig, static_cast<unsigned>(text.size()), static_cast<unsigned>(orig_end - orig));
      return;
    }
    view_.map.push_back({view_.storage.size(), orig, orig_end, false, 1, 1});
    view_.storage.append(text);
  }

  // Decoded bytes in groups of `group`, each standing for the next `stride` blob bytes from
  // orig (base64: 3 bytes per 4 characters). text.size() need not be a multiple of group
  // when orig_end (> orig) says where the last, short group ends.
  void grouped(std::string_view text, size_t orig, unsigned group, unsigned stride, size_t orig_end = 0) {
    if (text.empty()) return;
    auto& map = view_.map;
    size_t at = view_.storage.size();
    if (!map.empty()) {
      OffsetPiece& p = map.back();
      bool extends = p.exact && p.group == group && p.stride == stride && p.orig_end == p.orig &&
                     (at - p.view) % group == 0 && p.orig + (at - p.view) / group * stride == orig;
      if (extends) {
        if (orig_end > orig) p.orig_end = orig_end;
        view_.storage.append(text);
        return;
      }
    }
    map.push_back({at, orig, orig_end > orig ? orig_end : orig, true, stride, group});
    view_.storage.append(text);
  }

  // Decoded bytes, one per `stride` blob bytes starting at orig (ASCII from UTF-16).
  void strided(std::string_view text, size_t orig, unsigned stride) {
    if (text.empty()) return;
    auto& map = view_.map;
    size_t at = view_.storage.size();
    bool extends = !map.empty() && map.back().exact && map.back().stride == stride && map.back().group == 1 &&
                   map.back().orig_end == map.back().orig &&
                   map.back().orig + (at - map.back().view) * stride == orig;
    if (!extends) map.push_back({at, orig, orig, true, stride, 1});
    view_.storage.append(text);
  }

  // Ends a segment: a newline no secret spans, mapped to the segment's end.
  void separator(size_t orig) { decoded("\n", orig, orig); }

  // Moves the view into out.
  void finish(View& out) { out = std::move(view_); }

 private:
  View view_;
};

}  // namespace keyward
