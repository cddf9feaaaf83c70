#include "mask.h"

#include <algorithm>

namespace keyward {

namespace {

// "-----BEGIN OPENSSH PRIVATE KEY-----" when s starts with a PEM header, else "". The header
// names the kind of key and holds none of it, so it can be shown whole.
std::string_view pem_header(std::string_view s) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  if (s.substr(0, kBegin.size()) != kBegin) return {};
  size_t end = s.find("-----", kBegin.size());
  if (end == std::string_view::npos || end > kBegin.size() + 48) return {};
  for (size_t i = kBegin.size(); i < end; ++i)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == ' ')) return {};
  return s.substr(0, end + 5);
}

}  // namespace

std::string mask_secret(std::string_view s) {
  // A private key shows its kind and nothing of the key: its first characters are the header.
  if (std::string_view header = pem_header(s); !header.empty()) return std::string(header) + " \xE2\x80\xA6";
  // Reveal less of shorter secrets: what is shown must leave most of the entropy hidden.
  size_t head, tail;
  if (s.size() >= 32) { head = 5; tail = 3; }
  else if (s.size() >= 20) { head = 4; tail = 2; }
  else if (s.size() >= 12) { head = 2; tail = 1; }
  else { head = 0; tail = 0; }
  std::string out;
  auto printable = [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f && !(c & 0x80); };
  for (size_t i = 0; i < head; ++i) out += printable(s[i]) ? s[i] : '?';
  out += "\xE2\x80\xA6";  // …
  for (size_t i = s.size() - tail; i < s.size(); ++i) out += printable(s[i]) ? s[i] : '?';
  return out;
}

}  // namespace keyward

namespace keyward {

std::string mask_spans(std::string_view text, std::vector<std::pair<size_t, size_t>> spans) {
  for (auto& [b, e] : spans) {
    e = std::min(e, text.size());
    b = std::min(b, e);
  }
  std::sort(spans.begin(), spans.end());
  std::string out;
  size_t at = 0;
  for (size_t i = 0; i < spans.size();) {
    size_t b = std::max(spans[i].first, at), e = spans[i].second;
    // Merge every span that overlaps or touches this run: two adjacent secrets are one run.
    for (++i; i < spans.size() && spans[i].first <= e; ++i) e = std::max(e, spans[i].second);
    if (e <= b) continue;
    out.append(text.substr(at, b - at));
    out += mask_secret(text.substr(b, e - b));
    at = e;
  }
  out.append(text.substr(at));
  return out;
}

std::string mask_occurrences(std::string_view text, const std::vector<std::string_view>& secrets) {
  std::vector<std::pair<size_t, size_t>> spans;
  for (std::string_view s : secrets) {
    if (s.size() < 4) continue;
    for (size_t at = text.find(s); at != std::string_view::npos; at = text.find(s, at + 1))
      spans.emplace_back(at, at + s.size());
  }
  return spans.empty() ? std::string(text) : mask_spans(text, std::move(spans));
}

}  // namespace keyward
