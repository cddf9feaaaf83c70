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
    bool extends = !map.empty() && map.back().exact && map.back().stride == 1 &&
                   map.back().orig + (at - map.back().view) == orig;
    if (!extends) map.push_back({at, orig, orig, true, 1});
    view_.storage.append(text);
  }

  // Decoded bytes that all stand for the blob span [orig, orig_end).
  void decoded(std::string_view text, size_t orig, size_t orig_end) {
    if (text.empty()) return;
    view_.map.push_back({view_.storage.size(), orig, orig_end, false, 1});
    view_.storage.append(text);
  }

  // Decoded bytes, one per `stride` blob bytes starting at orig (ASCII from UTF-16).
  void strided(std::string_view text, size_t orig, unsigned stride) {
    if (text.empty()) return;
    auto& map = view_.map;
    size_t at = view_.storage.size();
    bool extends = !map.empty() && map.back().exact && map.back().stride == stride &&
                   map.back().orig + (at - map.back().view) * stride == orig;
    if (!extends) map.push_back({at, orig, orig, true, stride});
    view_.storage.append(text);
  }

  // Ends a segment: a newline no secret spans, mapped to the segment's end.
  void separator(size_t orig) { decoded("\n", orig, orig); }

  // Moves the view into out. text points into out.storage, so a View that is moved again
  // (short strings move by copy) must be re-pointed: v.text = v.storage.
  void finish(View& out) {
    out = std::move(view_);
    out.text = out.storage;
  }

 private:
  View view_;
};

}  // namespace keyward
