// "Did you mean": the candidate nearest to a mistyped word, for messages.
#pragma once
#include <string>
#include <vector>

namespace keyward {

// The candidate at the smallest edit distance (a swap of neighbours counts as one edit)
// when it is near enough to be what was meant (a third of the word may be wrong), else "".
std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace keyward
