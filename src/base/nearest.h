// "Did you mean": the candidate nearest to a mistyped word, for messages.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace keyward {

// Edit distance counting a swap of two neighbours as one edit ("rulse" is one from "rules").
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate at the smallest edit distance (a swap of neighbours counts as one edit)
// when it is near enough to be what was meant (a third of the word may be wrong), else "".
std::string nearest_word(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace keyward
