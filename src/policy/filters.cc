#include "filters.h"

#include <array>
#include <cctype>
#include <cmath>
#include <string>

namespace keyward {

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0.0;
  std::array<size_t, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  double h = 0.0, n = static_cast<double>(s.size());
  for (size_t c : counts) {
    if (!c) continue;
    double p = static_cast<double>(c) / n;
    h -= p * std::log2(p);
  }
  return h;
}

namespace {

// Drops a provider prefix like "hf_", "sk-proj-", "ghp_" so that the random part is judged.
std::string_view body_of(std::string_view s) {
  size_t cut = 0;
  for (size_t i = 0; i < s.size() && i < 16; ++i) {
    if (s[i] == '_' || s[i] == '-') cut = i + 1;
    else if (!std::isalpha(static_cast<unsigned char>(s[i]))) break;
  }
  return cut < s.size() ? s.substr(cut) : s;
}

bool has_run(std::string_view s, size_t len) {
  size_t same = 1, up = 1, down = 1;
  for (size_t i = 1; i < s.size(); ++i) {
    unsigned char a = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(s[i - 1])));
    unsigned char b = static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(s[i])));
    same = (a == b) ? same + 1 : 1;
    up = (b == a + 1 && std::isalnum(b)) ? up + 1 : 1;
    down = (b + 1 == a && std::isalnum(b)) ? down + 1 : 1;
    if (same >= len || up >= len || down >= len) return true;
  }
  return false;
}

}  // namespace

bool looks_like_placeholder(std::string_view secret) {
  // Words count in one case only (lower, UPPER or Capitalised): a random token spells
  // "fake" in some mix of cases far more often than in exactly one of them.
  static constexpr std::string_view kWords[] = {
      "xxxx",     "your_",    "_here",     "your-", "-here",  "example", "placeholder", "replace",
      "insert",   "redacted", "changeme",  "change_me", "dummy", "fake",  "sample",      "notreal",
      "not_real", "secret_key_here", "token_here", "api_key_here"};
  for (auto w : kWords) {
    std::string cap(w);
    cap[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cap[0])));
    std::string wu(w);
    for (auto& c : wu) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (secret.find(w) != std::string_view::npos || secret.find(wu) != std::string_view::npos ||
        secret.find(cap) != std::string_view::npos)
      return true;
  }
  static constexpr std::string_view kMarks[] = {"<", ">", "${", "{{", "}}", "****", "...", "%s", "$("};
  for (auto m : kMarks)
    if (secret.find(m) != std::string_view::npos) return true;
  std::string_view body = body_of(secret);
  if (body.size() >= 8 && has_run(body, 6)) return true;
  // Very few distinct characters in a long value: aaaa-bbbb, 0101...
  if (body.size() >= 16) {
    std::array<bool, 256> seen{};
    size_t distinct = 0;
    for (unsigned char c : body) distinct += !seen[c], seen[c] = true;
    if (distinct <= 4) return true;
  }
  return false;
}

bool has_allow_comment(std::string_view line) {
  return line.find("keyward:allow") != std::string_view::npos ||
         line.find("gitleaks:allow") != std::string_view::npos ||
         line.find("pragma: allowlist secret") != std::string_view::npos;
}

}  // namespace keyward
