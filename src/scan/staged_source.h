// Pre-commit source: the blobs that the index adds or changes against HEAD, read from the
// object database (never the working tree); findings only on added or changed lines.
#pragma once
#include <git2.h>

#include "engine.h"
#include "report.h"
#include "result.h"
#include "staged_changes.h"

namespace keyward {

struct SourceLimits {
  size_t max_blob_bytes = size_t(1) << 30;  // larger blobs fail closed with a clear error
};

Status scan_staged(git_repository* repo, const Engine& engine, Report& report, const SourceLimits& limits = {},
                   const StagedOptions& index = {});

}  // namespace keyward
