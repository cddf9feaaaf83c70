// Which lines of a modified blob are new: only findings that touch them block a commit.
#pragma once
#include <git2.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "result.h"

namespace keyward {

// Sorted, non-overlapping 1-based inclusive line ranges of new_blob that are added or
// changed relative to old_blob.
using LineRanges = std::vector<std::pair<uint32_t, uint32_t>>;
Result<LineRanges> added_lines(git_repository* repo, const git_oid& old_blob, const git_oid& new_blob);

bool touches(const LineRanges& ranges, uint32_t first_line, uint32_t last_line);

}  // namespace keyward
