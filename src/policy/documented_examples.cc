#include "documented_examples.h"

#include <re2/re2.h>

namespace keyward {

std::string join_patterns(const std::vector<std::string>& patterns) {
  std::string out;
  for (auto& p : patterns) out += (out.empty() ? "(?:" : "|(?:") + p + ")";
  return out;
}

namespace {

std::unique_ptr<re2::RE2> compile(const std::vector<std::string>& patterns) {
  if (patterns.empty()) return nullptr;
  re2::RE2::Options opt;
  opt.set_log_errors(false);
  opt.set_encoding(re2::RE2::Options::EncodingLatin1);
  auto re = std::make_unique<re2::RE2>(join_patterns(patterns), opt);
  // load_vocabulary rejects a pattern RE2 does not accept; one that fails here matches nothing.
  if (!re->ok()) return nullptr;
  return re;
}

// s with %XX escapes decoded ("" when it holds none): a URL-encoded example is found in its
// decoded view too.
std::string percent_decoded(std::string_view s) {
  auto hex = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  std::string out;
  bool any = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
      any = true;
    } else {
      out += s[i];
    }
  }
  return any ? out : std::string();
}

}  // namespace

DocumentedExamples::DocumentedExamples(const Vocabulary& v)
    : secret_re_(compile(v.example_secret_patterns)), after_re_(compile(v.example_after_patterns)) {
  for (auto& x : v.example_values) {
    forms_.push_back(x);
    if (std::string d = percent_decoded(x); !d.empty()) forms_.push_back(std::move(d));
  }
  for (auto& x : forms_) values_.insert(x);
}
DocumentedExamples::~DocumentedExamples() = default;

bool DocumentedExamples::is_example(std::string_view secret, std::string_view after) const {
  if (values_.count(secret)) return true;
  // A rule may take a piece of an example (the first 40 characters of a JWT, a signature up
  // to its first %2F): still the example when the rest of it follows on the line. Pieces
  // shorter than kMinPiece are not judged so (a short value can sit inside anything).
  constexpr size_t kMinPiece = 12;
  for (std::string_view x : forms_)
    for (size_t at = secret.size() < kMinPiece ? std::string_view::npos : x.find(secret); at != std::string_view::npos;
         at = x.find(secret, at + 1)) {
      std::string_view rest = x.substr(at + secret.size());
      if (after.substr(0, rest.size()) == rest) return true;
    }
  if (secret_re_ && re2::RE2::PartialMatch(re2::StringPiece(secret.data(), secret.size()), *secret_re_)) return true;
  return after_re_ && !after.empty() && re2::RE2::PartialMatch(re2::StringPiece(after.data(), after.size()), *after_re_);
}

}  // namespace keyward
