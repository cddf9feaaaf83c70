#include "data_uri.h"

#include <cctype>
#include <cstring>

#include "base64_decoder.h"
#include "notebook_decoder.h"

namespace keyward {

namespace {

bool mime_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '+' || c == '-' || c == '_';
}

bool payload_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
}

// The media type of the data: URI whose ";base64," is at `at`, or "" when none: scans back
// over parameters (`;codecs=opus`, `;charset=utf-8`) to "data:" and its type.
std::string_view media_type(std::string_view d, size_t at) {
  constexpr size_t kMaxHeader = 160;  // a type and a few parameters
  size_t lo = at > kMaxHeader ? at - kMaxHeader : 0;
  size_t colon = std::string_view::npos;
  for (size_t i = at; i > lo; --i) {
    char c = d[i - 1];
    if (c == ':') {
      colon = i - 1;
      break;
    }
    if (c == '"' || c == '\'' || c == '(' || c == '<' || c == '>' || std::isspace(static_cast<unsigned char>(c)))
      return {};
  }
  if (colon == std::string_view::npos || colon < 4) return {};
  std::string_view scheme = d.substr(colon - 4, 4);
  for (size_t k = 0; k < 4; ++k)
    if (std::tolower(static_cast<unsigned char>(scheme[k])) != "data"[k]) return {};
  size_t b = colon + 1, e = b;
  while (e < at && mime_char(d[e])) ++e;
  if (e == b || (e < at && d[e] != ';')) return {};
  return d.substr(b, e - b);
}

}  // namespace

void add_binary_data_uris(std::string_view d, SkipSpans& skip) {
  static constexpr char kMarker[] = ";base64,";
  constexpr size_t kLen = sizeof kMarker - 1;
  for (size_t from = 0; from + kLen <= d.size();) {
    const void* hit = memmem(d.data() + from, d.size() - from, kMarker, kLen);
    if (!hit) break;
    size_t at = static_cast<size_t>(static_cast<const char*>(hit) - d.data());
    size_t b = at + kLen, e = b;
    while (e < d.size() && payload_char(d[e])) ++e;
    from = e > b ? e : b;
    std::string mime(media_type(d, at));
    for (auto& c : mime) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (mime.empty() || !is_binary_mime(mime)) continue;
    // Binary in fact, not only by its label: base64 text under an image type is still read.
    if (is_base64_binary(d.substr(b, e - b), 4)) skip.emplace_back(b, e);
  }
}

}  // namespace keyward
