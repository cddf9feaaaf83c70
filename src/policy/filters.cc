#include "filters.h"

#include <algorithm>

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

// Filler words placeholders are made of ("YourDummyTokenGoesHere"), for measuring how much
// of a value they cover. Three letters at least: shorter ones turn up in random text.
bool covered_by_words(std::string_view body) {
  static constexpr std::string_view kFiller[] = {
      "placeholder", "redacted", "changeme", "example", "replace", "testing", "notreal", "insert", "sample",
      "secret", "access", "dummy",   "token",   "value",  "your",   "here",  "fake",   "test",  "goes",
      "this",   "real",   "demo",    "key",     "api",    "for",    "not",   "the",    "xxx"};
  size_t letters = 0, covered = 0;
  for (size_t i = 0; i < body.size();) {
    if (!std::isalpha(static_cast<unsigned char>(body[i]))) { ++i; continue; }
    size_t best = 0;
    for (auto w : kFiller) {
      if (w.size() <= best || i + w.size() > body.size()) continue;
      bool eq = true;
      for (size_t k = 0; k < w.size() && eq; ++k)
        eq = std::tolower(static_cast<unsigned char>(body[i + k])) == w[k];
      if (eq) best = w.size();
    }
    if (best) covered += best, letters += best, i += best;
    else ++letters, ++i;
  }
  return letters > 0 && 2 * covered >= letters;
}

}  // namespace

bool looks_like_placeholder(std::string_view secret) {
  std::string_view body = body_of(secret);
  // Words with a separator in them are never random: YOUR_TOKEN_HERE, change_me.
  static constexpr std::string_view kPhrases[] = {"your_", "_here", "your-", "-here", "change_me", "not_real",
                                                  "secret_key_here", "token_here", "api_key_here"};
  // Words count in one case only (lower, UPPER or Capitalised): a random token spells
  // "fake" in some mix of cases far more often than in exactly one of them. Even then a
  // random token holds a short one now and then (31 places x 3 cases in 52^4 for "Fake"
  // in an hf_ token, against 52^6 for "Sample"), so a word of five letters or fewer counts
  // only where it stands apart (at an end of the value or next to punctuation:
  // sk_test_dummy_1) or where filler words make up at least half of the value
  // (MyDummyTokenGoesHere).
  static constexpr std::string_view kWords[] = {"xxxx",     "example",  "placeholder", "replace", "insert",
                                                "redacted", "changeme", "dummy",       "fake",    "sample",
                                                "notreal"};
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  auto found = [&](std::string_view hay, std::string_view w, bool need_apart) {
    std::string cap(w), up(w);
    cap[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(cap[0])));
    for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& form : {std::string(w), cap, up})
      for (size_t at = hay.find(form); at != std::string_view::npos; at = hay.find(form, at + 1)) {
        if (!need_apart) return true;
        size_t end = at + form.size();
        if (at == 0 || end == hay.size() || !alnum(hay[at - 1]) || !alnum(hay[end])) return true;
      }
    return false;
  };
  for (auto w : kPhrases)
    if (found(secret, w, false)) return true;
  bool word = false;
  for (auto w : kWords) {
    if (found(body, w, w.size() <= 5)) return true;
    word = word || found(body, w, false);
  }
  if (word && covered_by_words(body)) return true;
  // "%v", "%w", "%q", "%T": Go's format verbs, whose strings sit glued together in a Go
  // binary (`secret%v...`); none is a percent-encoding, whose digits are hex.
  static constexpr std::string_view kMarks[] = {"<",  ">",  "${", "{{", "}}", "****", "...",
                                                "%s", "$(", "%v", "%w", "%q", "%T",   "%+v"};
  for (auto m : kMarks)
    if (secret.find(m) != std::string_view::npos) return true;
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

namespace {

// Markers, lower case; a line is compared with them case-insensitively (GITLEAKS:ALLOW,
// Pragma: Allowlist Secret). detect-secrets also reads "pragma:allowlist secret" and its
// older "whitelist" spelling.
constexpr std::string_view kAllowMarkers[] = {
    "keyward:allow",     "gitleaks:allow",           "betterleaks:allow",       "trufflehog:ignore",
    "kingfisher:ignore", "pragma: allowlist secret", "pragma:allowlist secret", "pragma: whitelist secret"};
constexpr std::string_view kNextlineMarkers[] = {"pragma: allowlist nextline secret",
                                                 "pragma:allowlist nextline secret"};

// Where marker (lower case) occurs in line, ignoring case; from `from` on.
size_t find_folded(std::string_view line, std::string_view marker, size_t from) {
  if (marker.size() > line.size()) return std::string_view::npos;
  for (size_t at = from; at + marker.size() <= line.size(); ++at) {
    size_t k = 0;
    while (k < marker.size() && std::tolower(static_cast<unsigned char>(line[at + k])) == marker[k]) ++k;
    if (k == marker.size()) return at;
  }
  return std::string_view::npos;
}

// Cheap rejection: every marker holds a ':'; most lines do not.
bool may_hold_marker(std::string_view line) { return line.find(':') != std::string_view::npos; }

}  // namespace

std::string_view random_part(std::string_view secret) { return body_of(secret); }

std::vector<size_t> allow_comment_positions(std::string_view line) {
  std::vector<size_t> out;
  if (!may_hold_marker(line)) return out;
  for (std::string_view marker : kAllowMarkers)
    for (size_t at = find_folded(line, marker, 0); at != std::string_view::npos; at = find_folded(line, marker, at + 1))
      out.push_back(at);
  std::sort(out.begin(), out.end());
  return out;
}

bool has_allow_comment(std::string_view line) { return !allow_comment_positions(line).empty(); }

bool has_nextline_allow_comment(std::string_view line) {
  if (!may_hold_marker(line)) return false;
  for (std::string_view marker : kNextlineMarkers)
    if (find_folded(line, marker, 0) != std::string_view::npos) return true;
  return false;
}

}  // namespace keyward
