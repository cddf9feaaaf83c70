// libFuzzer target: the JSON cursor on arbitrary bytes. Every span it hands out lies inside
// the text, nothing it does reads past the end or recurses without bound, and a text the
// strict check accepts is walked whole by the lenient reader the notebook decoder uses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "json_cursor.h"

namespace {

using keyward::JsonCursor;
using JT = JsonCursor::Type;

// Reads everything, as deep as the cursor allows (its depth limit bounds this recursion).
void walk(JsonCursor& c, size_t size) {
  switch (c.peek()) {
    case JT::Object:
      c.object([&](std::string_view key) {
        if (key.size() > size) std::abort();
        walk(c, size);
      });
      break;
    case JT::Array: c.array([&] { walk(c, size); }); break;
    case JT::String: {
      JsonCursor::Span s;
      if (c.string(&s) && (s.first > s.second || s.second > size)) std::abort();
      if (c.ok()) (void)JsonCursor::unescape(c.text().substr(s.first, s.second - s.first));
      break;
    }
    default: {
      std::string_view raw = c.raw_value();
      if (raw.size() > size) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool strict = JsonCursor::valid(text, 64);
  JsonCursor c(text, 64);
  walk(c, size);
  if (strict && !(c.ok() && c.at_end())) std::abort();
  JsonCursor skipper(text, 64);
  std::string_view raw = skipper.raw_value();
  if (!raw.empty() && (raw.data() < text.data() || raw.data() + raw.size() > text.data() + size)) std::abort();
  return 0;
}
