// One file as the index stages it (the content the commit will hold), read from the object
// database: the pre-commit hook's configuration is the staged one, not whatever the working
// tree happens to hold.
#pragma once
#include <git2.h>

#include <optional>
#include <string>

#include "result.h"

namespace keyward {

// The staged content of `path` (repository-relative), or nullopt when the index has no
// entry for it at stage 0. An index or object that cannot be read is an error naming it.
// `index_file` as in StagedOptions ("" = the repository's index).
Result<std::optional<std::string>> staged_file_text(git_repository* repo, const std::string& path,
                                                    const std::string& index_file = "");

}  // namespace keyward
