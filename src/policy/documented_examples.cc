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

}  // namespace

DocumentedExamples::DocumentedExamples(const Vocabulary& v)
    : secret_re_(compile(v.example_secret_patterns)), after_re_(compile(v.example_after_patterns)) {
  for (auto& x : v.example_values) values_.insert(x);
}
DocumentedExamples::~DocumentedExamples() = default;

bool DocumentedExamples::is_example(std::string_view secret, std::string_view after) const {
  if (values_.count(secret)) return true;
  if (secret_re_ && re2::RE2::PartialMatch(re2::StringPiece(secret.data(), secret.size()), *secret_re_)) return true;
  return after_re_ && !after.empty() && re2::RE2::PartialMatch(re2::StringPiece(after.data(), after.size()), *after_re_);
}

}  // namespace keyward
