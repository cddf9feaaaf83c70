// Published documentation examples (the jwt.io token, RFC 6749's client credentials,
// AWS's ...EXAMPLE keys) are copied into code and docs everywhere and are never anyone's
// secret: they are never reported. The list is data (patterns/documented-examples.txt,
// vocabulary.h); a value that differs from an entry in one character is still reported.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include <string_view>
#include <unordered_set>

#include "vocabulary.h"

namespace re2 {
class RE2;
}

namespace keyward {

class DocumentedExamples {
 public:
  // v must outlive this object.
  explicit DocumentedExamples(const Vocabulary& v);
  ~DocumentedExamples();
  DocumentedExamples(const DocumentedExamples&) = delete;
  DocumentedExamples& operator=(const DocumentedExamples&) = delete;

  // after: the text following the secret on its line (empty when unknown).
  bool is_example(std::string_view secret, std::string_view after = {}) const;

 private:
  std::vector<std::string> forms_;  // the values, and the percent-decoded form of those with %XX
  std::unordered_set<std::string_view> values_;
  std::unique_ptr<re2::RE2> secret_re_, after_re_;  // the patterns as one alternation each
};

// The patterns as one RE2 alternation; "" when there are none.
std::string join_patterns(const std::vector<std::string>& patterns);

}  // namespace keyward
