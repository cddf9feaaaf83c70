#include "glob.h"

#include <algorithm>
#include <vector>

namespace keyward {
namespace {

// A pattern compiled to a sequence of tokens, matched by simulating the automaton they
// form over all positions at once: O(pattern x subject) time with no backtracking, so no
// allowlist entry can make a scan hang (the old recursive matcher was exponential in the
// number of stars).
//   '*' and '?' (and a [set]) never match '/'; '**' matches anything; '**/' matches zero or
//   more whole directories (nothing, or anything that ends in '/').
struct Token {
  enum Kind { Char, AnyChar, Set, Star, StarStar, DirsEntry, DirsBody } kind;
  char c = 0;                // Char
  std::string_view set;      // Set: the characters between the brackets, '!'/'^' removed
  bool negated = false;      // Set
};

std::vector<Token> compile(std::string_view p) {
  std::vector<Token> out;
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      if (p.size() > 2 && p[2] == '/') {
        // Two states: DirsEntry may skip the whole group; DirsBody consumes anything and
        // leaves the group after a '/'.
        out.push_back({Token::DirsEntry});
        out.push_back({Token::DirsBody});
        p.remove_prefix(3);
      } else {
        out.push_back({Token::StarStar});
        p.remove_prefix(2);
      }
      continue;
    }
    char c = p[0];
    if (c == '*') {
      out.push_back({Token::Star});
    } else if (c == '?') {
      out.push_back({Token::AnyChar});
    } else if (c == '[') {
      size_t close = p.find(']', 1);
      if (close == std::string_view::npos) {
        out.push_back({Token::Char, '['});  // an unclosed bracket is literal
      } else {
        Token t{Token::Set};
        t.set = p.substr(1, close - 1);
        t.negated = !t.set.empty() && (t.set[0] == '!' || t.set[0] == '^');
        if (t.negated) t.set.remove_prefix(1);
        out.push_back(t);
        p.remove_prefix(close + 1);
        continue;
      }
    } else if (c == '\\' && p.size() > 1) {
      out.push_back({Token::Char, p[1]});
      p.remove_prefix(1);
    } else {
      out.push_back({Token::Char, c});
    }
    p.remove_prefix(1);
  }
  return out;
}

bool in_set(const Token& t, char ch) {
  if (ch == '/') return false;
  bool hit = false;
  for (size_t i = 0; i < t.set.size(); ++i) {
    if (i + 2 < t.set.size() && t.set[i + 1] == '-') {
      if (ch >= t.set[i] && ch <= t.set[i + 2]) hit = true;
      i += 2;
    } else if (t.set[i] == ch) {
      hit = true;
    }
  }
  return hit != t.negated;
}

// The automaton's states are token positions 0..n (n: the whole pattern matched). Every
// empty move goes forward, so one pass in order closes a state set.
class Automaton {
 public:
  explicit Automaton(std::string_view pattern) : tokens_(compile(pattern)) {}

  // Runs over subject; at_end(i) is asked after the first i characters (i = 0..size) and
  // whether the pattern matches them whole is passed to it. Stops early when it returns true.
  template <class F>
  bool run(std::string_view subject, F&& at_end) const {
    size_t n = tokens_.size();
    std::vector<char> cur(n + 1, 0), next(n + 1, 0);
    cur[0] = 1;
    close(cur);
    for (size_t i = 0;; ++i) {
      if (cur[n] && at_end(i)) return true;
      if (i == subject.size()) return false;
      char ch = subject[i];
      std::fill(next.begin(), next.end(), 0);
      bool any = false;
      for (size_t s = 0; s < n; ++s) {
        if (!cur[s]) continue;
        const Token& t = tokens_[s];
        switch (t.kind) {
          case Token::Char: if (ch == t.c) next[s + 1] = 1; break;
          case Token::AnyChar: if (ch != '/') next[s + 1] = 1; break;
          case Token::Set: if (in_set(t, ch)) next[s + 1] = 1; break;
          case Token::Star: if (ch != '/') next[s] = 1; break;
          case Token::StarStar: next[s] = 1; break;
          case Token::DirsEntry: break;  // only empty moves
          case Token::DirsBody:
            next[s] = 1;
            if (ch == '/') next[s + 1] = 1;
            break;
        }
      }
      close(next);
      for (size_t s = 0; s <= n && !any; ++s) any = next[s] != 0;
      if (!any) return false;  // no prefix of the rest can match any more
      cur.swap(next);
    }
  }

 private:
  void close(std::vector<char>& set) const {
    for (size_t s = 0; s < tokens_.size(); ++s) {
      if (!set[s]) continue;
      switch (tokens_[s].kind) {
        case Token::Star:
        case Token::StarStar: set[s + 1] = 1; break;
        case Token::DirsEntry: set[s + 1] = 1, set[s + 2] = 1; break;  // into the group, or past it
        default: break;
      }
    }
  }

  std::vector<Token> tokens_;
};

}  // namespace

bool glob_match_path(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) return false;
  bool dir_only = pattern.back() == '/';
  if (dir_only) pattern.remove_suffix(1);
  bool anchored = pattern.find('/') != std::string_view::npos;
  if (!pattern.empty() && pattern[0] == '/') pattern.remove_prefix(1);
  Automaton a(pattern);
  // Subjects: the path itself and each of its leading directories (a pattern that names a
  // directory covers everything below it). An anchored pattern sees the whole path: one run
  // answers for every leading directory at once (a match of the first i characters where
  // path[i] is '/'). An unanchored one sees the last component of each subject: each
  // component is run once. Both are linear in the path's length.
  if (anchored)
    return a.run(path, [&](size_t i) { return i == path.size() ? !dir_only : path[i] == '/'; });
  for (size_t begin = 0;;) {
    size_t slash = path.find('/', begin);
    bool last = slash == std::string_view::npos;
    std::string_view component = path.substr(begin, last ? std::string_view::npos : slash - begin);
    if ((!last || !dir_only) &&
        a.run(component, [&](size_t i) { return i == component.size(); }))
      return true;
    if (last) return false;
    begin = slash + 1;
  }
}

}  // namespace keyward
