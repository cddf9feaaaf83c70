// Files on disk, git or not: `keyward models/` before an upload. Recurses into
// directories, skips .git/, never follows symlinks into directories.
#pragma once
#include <string>
#include <vector>

#include "engine.h"
#include "report.h"
#include "result.h"

namespace keyward {

// Paths are reported the way `find PATH` prints them. Files that cannot be read are
// listed in *unreadable (the caller fails closed). Files are scanned on `jobs` threads
// (0 = every core) when there are many; results keep the walk's order.
Status scan_paths(const std::vector<std::string>& paths, const Engine& engine, Report& report,
                  std::vector<std::string>* unreadable, int jobs = 0);

}  // namespace keyward
