#include "glob.h"

#include <string>

namespace keyward {
namespace {

// Matches one pattern against one whole string; '*' and '?' do not cross '/', '**' does.
bool match(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      std::string_view rest = p.substr(2);
      if (!rest.empty() && rest[0] == '/') {
        // "**/" matches zero or more whole directories.
        std::string_view after = rest.substr(1);
        if (match(after, s)) return true;
        for (size_t i = 0; i < s.size(); ++i)
          if (s[i] == '/' && match(after, s.substr(i + 1))) return true;
        return false;
      }
      for (size_t i = 0; i <= s.size(); ++i)
        if (match(rest, s.substr(i))) return true;
      return false;
    }
    char c = p[0];
    if (c == '*') {
      std::string_view rest = p.substr(1);
      for (size_t i = 0; i <= s.size(); ++i) {
        if (match(rest, s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') break;
      }
      return false;
    }
    if (s.empty()) return false;
    if (c == '?') {
      if (s[0] == '/') return false;
    } else if (c == '[') {
      size_t close = p.find(']', 1);
      if (close == std::string_view::npos) {
        if (s[0] != '[') return false;
      } else {
        std::string_view set = p.substr(1, close - 1);
        bool neg = !set.empty() && (set[0] == '!' || set[0] == '^');
        if (neg) set.remove_prefix(1);
        bool hit = false;
        for (size_t i = 0; i < set.size(); ++i) {
          if (i + 2 < set.size() && set[i + 1] == '-') {
            if (s[0] >= set[i] && s[0] <= set[i + 2]) hit = true;
            i += 2;
          } else if (set[i] == s[0]) {
            hit = true;
          }
        }
        if (hit == neg || s[0] == '/') return false;
        p.remove_prefix(close + 1);
        s.remove_prefix(1);
        continue;
      }
    } else if (c == '\\' && p.size() > 1) {
      if (s[0] != p[1]) return false;
      p.remove_prefix(1);
    } else if (c != s[0]) {
      return false;
    }
    p.remove_prefix(1);
    s.remove_prefix(1);
  }
  return s.empty();
}

}  // namespace

bool glob_match_path(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return false;
  bool dir_only = pattern.back() == '/';
  if (dir_only) pattern.remove_suffix(1);
  bool anchored = pattern.find('/') != std::string_view::npos;
  if (!pattern.empty() && pattern[0] == '/') pattern.remove_prefix(1);
  // Candidate subjects: the path itself and each of its leading directories (a pattern
  // that names a directory covers everything below it).
  auto try_subject = [&](std::string_view subject, bool is_dir) {
    if (dir_only && !is_dir) return false;
    if (anchored) return match(pattern, subject);
    size_t slash = subject.rfind('/');
    return match(pattern, slash == std::string_view::npos ? subject : subject.substr(slash + 1));
  };
  if (try_subject(path, false)) return true;
  for (size_t i = 0; i < path.size(); ++i)
    if (path[i] == '/' && try_subject(path.substr(0, i), true)) return true;
  return false;
}

}  // namespace keyward
