// Vocabularies the filters judge candidates by, loaded with the rules from patterns/ (data,
// not code): the word pieces letter-only tokens are compared with (patterns/words.txt) and
// the published documentation examples never reported (patterns/documented-examples.txt).
#pragma once
#include <string>
#include <vector>

#include "result.h"

namespace keyward {

struct Vocabulary {
  // words.txt [words]: lower-case word pieces (three letters or more count).
  std::vector<std::string> words;
  // words.txt [exempt-rules]: rule-id globs (`*password*`) whose values people choose, where
  // a passphrase made of words is a real secret: the word filter never drops their findings.
  std::vector<std::string> word_exempt_rules;
  // documented-examples.txt [values]: exact published example values.
  std::vector<std::string> example_values;
  // [secret-patterns]: RE2 patterns a secret matches when it is an example (a jwt.io
  // signature under another payload, an EXAMPLE infix).
  std::vector<std::string> example_secret_patterns;
  // [after-patterns]: RE2 patterns the text after the secret on its line matches when the
  // secret is an example's (`user:pass@example.com`).
  std::vector<std::string> example_after_patterns;
};

// The files below a rules directory that load_vocabulary reads.
inline constexpr const char* kVocabularyFiles[] = {"words.txt", "documented-examples.txt"};

// Reads dir/words.txt and dir/documented-examples.txt; a file that is absent contributes
// nothing (a rules directory of one's own need not carry them). Line format: `# comment`,
// `[section]`, else whitespace-separated entries (one per line for values and patterns).
Result<Vocabulary> load_vocabulary(const std::string& dir);

// Parses one vocabulary file's text into v; origin names it in error messages.
Status parse_vocabulary(const std::string& text, const std::string& origin, Vocabulary& v);

}  // namespace keyward
