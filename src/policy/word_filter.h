// The word filter: a letter-only token whose random part is mostly words or identifier
// pieces (`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`, a generated class name) is not a secret.
// Real tokens are not made of words: their letters change case at random, so the pieces
// between case changes are one or two letters long and no word list covers them.
//
// How it judges: the random part (after a provider prefix) must be letters, with at most
// kMaxDigits digits and any of the separators `.`, `_`, `-` (a qualified name such as
// `client.OAuth2Credentials`), and at least kMinLetters letters. It is cut into identifier
// pieces at separators, digits and case changes (`Pretrained`, `Cache`, `HTTP`, `Server` in
// `HTTPServer`), and each piece, lower-cased, is segmented
// into vocabulary words of three letters or more by dynamic programming (the most letters
// covered). The token is words when they cover at least kMinCoverage of its letters.
#pragma once
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace keyward {

class WordFilter {
 public:
  static constexpr size_t kMinLetters = 12;
  static constexpr double kMinCoverage = 0.8;
  static constexpr size_t kMinWord = 3;
  static constexpr size_t kMaxDigits = 2;

  // words must outlive the filter (the rule set's vocabulary owns them).
  explicit WordFilter(const std::vector<std::string>& words);

  // Share of body's letters covered by vocabulary words (0 when body holds other characters
  // or more than kMaxDigits digits).
  double coverage(std::string_view body) const;
  // True if secret's random part is made of words (see above).
  bool made_of_words(std::string_view secret) const;
  // A dotted name of three segments or more made of words (`projects.locations.operations`):
  // judged even for rules whose values people choose, since no one's password reads so.
  bool dotted_name(std::string_view secret) const;
  // A long run of capitalised words glued together (`AhomChamKawiLisuMiao...`,
  // `OldItalicOldPermic...`): Go's string data, where strings of one length are stored end
  // to end, after a `PWD=` or `password:` string. At least kMinGluedWords pieces of a
  // capital, two or more small letters and a vowel, covering kMinCoverage of the letters,
  // and at most one other piece for four of them;
  // judged even for rules whose values people choose: a passphrase has four or five words,
  // and random letters rarely make ten such pieces (none in the unit test's sample).
  bool glued_words(std::string_view secret) const;
  // Bytecode glue: marshal writes a short string as its type byte (`z`, `Z`) and a length
  // byte, so a constant ending in `Password: ` runs into the next one,
  // `z+datamigration.projects.locations.operations`. True when such a header's length is
  // exactly what follows it and what follows is a name made of words.
  bool marshal_glued_name(std::string_view secret) const;
  static constexpr size_t kMinGluedWords = 10;
  bool empty() const { return words_.empty(); }

 private:
  size_t covered_in_piece(std::string_view piece) const;  // piece is lower case
  std::unordered_set<std::string_view> words_;
  size_t longest_ = 0;
};

}  // namespace keyward
