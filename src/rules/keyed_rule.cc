#include "keyed_rule.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace keyward {
namespace {

// Identifier characters around the context word. Bounded on both sides: an unbounded tail
// let `cohere` reach any `=` later on the line, and a long name is no longer "about" it.
constexpr const char* kLead = R"([A-Za-z0-9_.\-]{0,40})";
constexpr const char* kTail = R"([A-Za-z0-9_.\-(]{0,40})";
// Closing quotes and brackets after a name: "NAME", ['NAME'], getenv("NAME"), \"NAME\".
constexpr const char* kClose = R"((?:\\?["'\])]){0,3})";
// A declared type between name and `=`: TS/Kotlin/Swift/Scala `: string`, Rust `: &'static str`,
// Go `string`, generics `Option<String>`.
#define KW_TYPE R"([A-Za-z_&'*.?<>\[\]]{1,24}(?:[ \t]{1,2}[A-Za-z_&'*.?<>\[\]]{1,16})?)"
// What may stand between a name and its value. Longer operators first (RE2 prefers earlier
// alternatives; Hyperscan does not care).
constexpr const char* kSeparator =
    R"((?:=>|:=|::=|\?=|<-|:-|\|\||\?\?|=|:|\(|,|(?i:or)\s)"
    R"(|:\s{0,3})" KW_TYPE R"(\s{0,3}=|\s)" KW_TYPE R"(\s{0,3}=)"
    R"(|\s{1,5}(?i:value)\s{0,3}=)"                      // <add key="NAME" value="v"/>
    R"(|</(?i:key)>\s{0,16}<(?i:string)>)"               // plist <key>NAME</key><string>v
    R"(|\.(?i:unwrap_or|or_else|get_or_else|getorelse|orelse|or|default)\())";  // env::var(..).unwrap_or("v")
#undef KW_TYPE
// Before the value: a quote (r"", b'', f"", \" in JSON), an auth scheme (Bearer v).
constexpr const char* kOpen = R"((?:[rRbBfFuU]?\\?['"`])?(?:(?i:bearer|token|basic|apikey)\s{1,3})?)";
// A slot that holds a credential on a line that names the provider elsewhere.
constexpr const char* kSlot =
    R"([A-Za-z0-9_\-]{0,24}(?i:key|token|secret|passw(?:or)?d|auth|credential|login)[A-Za-z0-9_\-]{0,16})";
// After the value: nothing of a token's alphabet (base64's + / = included), or a longer
// string would match on its first characters.
constexpr const char* kEnd = R"((?:[^A-Za-z0-9_+/=\-]|$))";

// `_` in a context entry means "an optional separator": COHERE_API_KEY, cohereApiKey,
// cohere-api-key and cohere.api.key all spell the same name. Inside [...] it stays literal.
Result<std::string> context_entry(const std::string& entry) {
  if (entry.empty()) return Error{"an empty context entry"};
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < entry.size(); ++i) {
    char c = entry[i];
    if (c == '\\' && i + 1 < entry.size()) {
      out += c;
      out += entry[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      if (i + 1 < entry.size() && entry[i + 1] == ']') out += entry[++i];  // []] is a class of ]
      continue;
    }
    // The expansion numbers its groups; a capturing group in a name would shift them.
    if (c == '(' && (i + 1 >= entry.size() || entry[i + 1] != '?'))
      return Error{fmt::format("context entry '{}' has a capturing group; write (?:...)", entry)};
    if (c == '^' || c == '$') return Error{fmt::format("context entry '{}' may not hold anchors", entry)};
    if (c == '_')
      out += "[_.-]?";
    else
      out += c;
  }
  return out;
}

// Bounded repeats opened up (`{0,3}` -> `*`, `{1,3}` -> `+`) for Hyperscan, where a
// superset is a correct candidate (RE2 confirms the bounds) and an open repeat compiles to
// a self-loop instead of counted states.
std::string loosen(const std::string& re) {
  std::string out;
  for (size_t i = 0; i < re.size(); ++i) {
    if (re[i] == '\\' && i + 1 < re.size()) {
      out += re[i];
      out += re[++i];
      continue;
    }
    if (re[i] == '{' && i + 2 < re.size() && (re[i + 1] == '0' || re[i + 1] == '1') && re[i + 2] == ',') {
      size_t close = re.find('}', i);
      if (close != std::string::npos) {
        out += re[i + 1] == '0' ? '*' : '+';
        i = close;
        if (i + 1 < re.size() && re[i + 1] == '?') ++i;  // laziness means nothing to Hyperscan
        continue;
      }
    }
    out += re[i];
  }
  return out;
}

bool hex_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool uuid_shaped(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool contains(std::string_view s, std::string_view p) { return s.find(p) != std::string_view::npos; }

// Words that say what a value is instead: digests, revisions, identifiers, public values.
bool negating_word(const std::string& w) {
  static const char* const kWords[] = {"hash",     "hashes", "hashed", "checksum", "checksums",  "digest",
                                       "digests",  "commit", "commits", "rev",     "revision",   "id",
                                       "ids",      "uuid",   "guid",   "trace",    "request",    "deployment",
                                       "version",  "public", "publishable", "search", "fingerprint", "thumbprint"};
  for (auto* k : kWords)
    if (w == k) return true;
  if (starts_with(w, "md5")) return true;
  if (starts_with(w, "sha") && (w.size() == 3 || std::isdigit(static_cast<unsigned char>(w[3])))) return true;
  return false;
}

bool credential_word(const std::string& w) {
  for (auto* k : {"key", "token", "secret", "passw", "pwd", "auth", "credential", "certificate", "login"})
    if (contains(w, k)) return true;
  return w == "pat" || w == "pass" || w == "cred" || w == "creds";
}

}  // namespace

std::vector<NameWord> name_words(std::string_view name) {
  std::vector<NameWord> out;
  auto kind = [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return std::islower(u) ? 1 : std::isupper(u) ? 2 : std::isdigit(u) ? 3 : 0;
  };
  size_t start = std::string_view::npos;
  auto close = [&](size_t end) {
    if (start == std::string_view::npos) return;
    std::string w(name.substr(start, end - start));
    for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back({w, start, end});
    start = std::string_view::npos;
  };
  for (size_t i = 0; i < name.size(); ++i) {
    int k = kind(name[i]);
    if (k == 0) {
      close(i);
      continue;
    }
    if (start != std::string_view::npos) {
      int prev = kind(name[i - 1]);
      bool next_lower = i + 1 < name.size() && kind(name[i + 1]) == 1;
      // cohereApiKey: a capital after a small letter; APIKey: the last capital of a run
      // before small letters; sha256sum: letters after digits.
      if ((prev == 1 && k == 2) || (prev == 2 && k == 2 && next_lower) || (prev == 3 && k != 3)) close(i);
    }
    if (start == std::string_view::npos) start = i;
  }
  close(name.size());
  return out;
}

Status expand_keyed_rule(Rule& rule) {
  if (rule.secret.empty())
    return Error{fmt::format("{}: rule {}: `context` needs a `secret` (the value's shape)", rule.origin, rule.id)};
  if (!rule.regex.empty())
    return Error{fmt::format("{}: rule {}: give either `regex` or `context` + `secret`, not both", rule.origin,
                             rule.id)};
  std::string names;
  for (auto& c : rule.context) {
    auto e = context_entry(c);
    if (!e) return Error{fmt::format("{}: rule {}: {}", rule.origin, rule.id, e.error())};
    if (!names.empty()) names += '|';
    names += *e;
  }
  const std::string ctx = "(?i:" + names + ")";
  const std::string sep = std::string(kClose) + R"(\s{0,3})" + kSeparator + R"(\s{0,3})";
  // NAME = v and every other spelling where a separator follows the name.
  auto assign = [&](bool lead) { return "(" + std::string(lead ? kLead : "") + "(" + ctx + ")" + kTail + ")" + sep; };
  // ENV NAME v (Dockerfile), --NAME v (command line), <NAME>v</NAME> (XML). Hyperscan gets
  // it without the prefix (a superset; RE2 decides).
  auto bare = [&](bool full) {
    std::string body = "(" + std::string(full ? kLead : "") + "(" + ctx + ")" + kTail + R"()(?:[ \t]{1,3}|>\s{0,3}))";
    return full ? R"((?:^[ \t]*(?i:env)[ \t]+|--|<))" + body : body;
  };
  // context ... --api-key v | add-authtoken v | login v | ?token=v | Authorization: Bearer v |
  // X-Api-Key: v | token=v, on one line.
  std::string slot(kSlot);
  std::string line = ctx + R"([^\n]{0,80}?(?:[\s"'(]-{0,2}()" + slot + R"()(?:=|[ \t]{1,3})|[?&;]()" + slot +
                     R"()=|()" + slot + R"()["'\\]{0,2}\s{0,3}[:=,]\s{0,3}))";
  // Hyperscan gets one superset per rule, the context word and the value on one line (or
  // after whitespace-only lines): the three forms with their bounds, given to Hyperscan
  // as they are, made the catalogue's database compile three times slower (10.8 s of CPU
  // against 3.5 s for the copy-pasted rules); this one costs 4 s and is smaller.
  auto whole = [&](bool full) {
    std::string forms = assign(full) + "|" + bare(full);
    if (rule.context_line) forms += "|" + line;
    if (!full)
      return ctx + R"([^\n]*\s*(?:<(?i:string)>|(?i:value)\s*=\s*)?)" + loosen(kOpen) + "(" + rule.secret + ")" + kEnd;
    return "(?:" + forms + ")" + kOpen + "(" + rule.secret + ")" + kEnd;
  };
  rule.regex = whole(true);
  rule.hs_regex = whole(false);
  rule.secret_group = rule.context_line ? kKeyedSecretGroup : kKeyedFlagSlot;
  if (rule.keywords.empty())
    for (auto& c : rule.context) {
      bool plain = std::all_of(c.begin(), c.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
      });
      if (!plain) continue;  // a regex entry is no literal hint
      std::string k = c;
      for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      rule.keywords.push_back(k);
    }
  return std::nullopt;
}

bool keyed_name_allows(const Rule& rule, const KeyedName& name, std::string_view secret) {
  bool credential = false;
  for (auto& w : name_words(name.name)) {
    if (credential_word(w.word)) credential = true;
    bool in_context = name.context_end > name.context_begin && w.begin < name.context_end && w.end > name.context_begin;
    if (in_context) continue;
    if (std::find(rule.name_allow.begin(), rule.name_allow.end(), w.word) != rule.name_allow.end()) continue;
    if (negating_word(w.word)) return false;
  }
  // Any digest or identifier is hex or a UUID; only a name that says "credential" makes one a secret.
  if (!credential && (hex_only(secret) || uuid_shaped(secret))) return false;
  return true;
}

}  // namespace keyward
