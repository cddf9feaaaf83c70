#include "word_filter.h"

#include <algorithm>
#include <cctype>

#include "filters.h"

namespace keyward {

namespace {

bool separator(char c) { return c == '.' || c == '_' || c == '-'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool lower(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

WordFilter::WordFilter(const std::vector<std::string>& words) {
  words_.reserve(words.size());
  for (const std::string& w : words) {
    if (w.size() < kMinWord) continue;  // shorter ones turn up in any random text
    words_.insert(w);
    longest_ = std::max(longest_, w.size());
  }
}

size_t WordFilter::covered_in_piece(std::string_view piece) const {
  // best[i]: most letters of piece[0, i) covered by whole words.
  size_t n = piece.size();
  std::vector<size_t> best(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    best[i + 1] = std::max(best[i + 1], best[i]);
    for (size_t len = kMinWord; len <= longest_ && i + len <= n; ++len)
      if (words_.count(piece.substr(i, len))) best[i + len] = std::max(best[i + len], best[i] + len);
  }
  return best[n];
}

double WordFilter::coverage(std::string_view body) const {
  if (body.empty() || words_.empty()) return 0.0;
  // Letters, and a few separators or digits between pieces (`OAuth2Credentials`,
  // `client.OAuth2Credentials.`); random tokens with separators or digits carry more digits.
  size_t letters = 0, digits = 0;
  for (char c : body) {
    if (upper(c) || lower(c)) ++letters;
    else if (c >= '0' && c <= '9') ++digits;
    else if (!separator(c)) return 0.0;
  }
  if (letters == 0 || digits > kMaxDigits) return 0.0;
  // Identifier pieces: a capital starts one (Cache), an upper-case run is one (HTTP) but
  // for its last capital when lower case follows (HTTPServer: HTTP, Server).
  std::string piece;
  size_t covered = 0;
  auto flush = [&] {
    if (!piece.empty()) covered += covered_in_piece(piece);
    piece.clear();
  };
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (!upper(c) && !lower(c)) {  // a separator or digit ends a piece
      flush();
      continue;
    }
    if (i > 0 && upper(c)) {
      bool prev_lower = lower(body[i - 1]);
      bool run_ends = upper(body[i - 1]) && i + 1 < body.size() && lower(body[i + 1]);
      if (prev_lower || run_ends) flush();
    }
    piece += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  flush();
  return static_cast<double>(covered) / static_cast<double>(letters);
}

bool WordFilter::made_of_words(std::string_view secret) const {
  std::string_view body = random_part(secret);
  size_t letters = 0;
  for (char c : body) letters += upper(c) || lower(c);
  if (letters < kMinLetters) return false;
  return coverage(body) >= kMinCoverage;
}

bool WordFilter::dotted_name(std::string_view secret) const {
  // Three segments or more, each a word piece: `projects.locations.operations`.
  size_t segments = 1;
  for (char c : secret) segments += c == '.';
  return segments >= 3 && made_of_words(secret);
}

bool WordFilter::glued_words(std::string_view secret) const {
  size_t letters = 0, digits = 0;
  for (char c : secret) {
    if (upper(c) || lower(c)) ++letters;
    else if (c >= '0' && c <= '9') ++digits;
    else return false;
  }
  if (digits > kMaxDigits || letters < kMinGluedWords * 3) return false;
  // Pieces as coverage() cuts them; a word piece is a capital, two or more small letters,
  // and a vowel somewhere (`Old`, `Ahom`; random pieces often have none).
  size_t pieces = 0, words = 0, word_letters = 0;
  size_t i = 0;
  while (i < secret.size()) {
    size_t start = i;
    if (!upper(secret[i]) && !lower(secret[i])) {
      ++i;
      continue;
    }
    if (upper(secret[i])) {
      while (i < secret.size() && upper(secret[i])) ++i;
      if (i < secret.size() && lower(secret[i]) && i - start > 1) {  // HTTPServer: HTTP | Server
        ++pieces;
        start = i - 1;
      }
    }
    while (i < secret.size() && lower(secret[i])) ++i;
    std::string_view piece = secret.substr(start, i - start);
    ++pieces;
    bool vowel = piece.find_first_of("aeiouyAEIOUY") != std::string_view::npos;
    if (piece.size() >= 3 && upper(piece[0]) && lower(piece[1]) && vowel) {
      ++words;
      word_letters += piece.size();
    }
  }
  // Random letters make as many other pieces (`M`, `QM`, `aw`) as words; glue few.
  return words >= kMinGluedWords && (pieces - words) * 4 <= words &&
         static_cast<double>(word_letters) >= kMinCoverage * static_cast<double>(letters);
}

bool WordFilter::marshal_glued_name(std::string_view secret) const {
  if (secret.size() < 3 || (secret[0] != 'z' && secret[0] != 'Z')) return false;
  if (static_cast<unsigned char>(secret[1]) != secret.size() - 2) return false;
  std::string_view rest = secret.substr(2);
  return made_of_words(rest);
}

}  // namespace keyward
