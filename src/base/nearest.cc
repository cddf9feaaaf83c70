#include "nearest.h"

#include <algorithm>

namespace keyward {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}


std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates) {
  // Ids are long (huggingface-user-token): compare only those of a similar length.
  std::string best;
  size_t best_d = 0;
  size_t limit = std::max<size_t>(1, word.size() / 3);
  for (auto& c : candidates) {
    if (c.size() > word.size() + limit || word.size() > c.size() + limit) continue;
    size_t d = edit_distance(word, c);
    if (best.empty() || d < best_d) best = c, best_d = d;
  }
  return !best.empty() && best_d <= limit && best_d < word.size() ? best : std::string();
}

}  // namespace keyward
