// How a secret is shown: a few characters at each end and an ellipsis, never the whole
// value. Logs of CI runs are public; masking is the default everywhere.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyward {

std::string mask_secret(std::string_view secret);

// text with every byte inside one of spans (offsets into text, clipped to it, possibly
// overlapping) replaced: each run of covered bytes becomes mask_secret(run).
std::string mask_spans(std::string_view text, std::vector<std::pair<size_t, size_t>> spans);

// text with every occurrence of any of secrets masked: for what a report prints besides the
// excerpt (an author name, a path) that may hold a secret the scan found elsewhere.
std::string mask_occurrences(std::string_view text, const std::vector<std::string_view>& secrets);

}  // namespace keyward
